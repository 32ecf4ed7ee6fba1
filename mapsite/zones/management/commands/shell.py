from django.core.management.commands import shell


class Command(shell.Command):
    """Django's shell, without trying to auto-import the history models.

    django-simple-history builds its Historical* models at run time, so they have
    no importable path and the shell would warn about every one of them.
    """

    def get_auto_imports(self):
        return [path for path in super().get_auto_imports() if ".Historical" not in path]
