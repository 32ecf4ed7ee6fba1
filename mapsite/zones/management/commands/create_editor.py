from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mapsite.zones import permissions


class Command(BaseCommand):
    help = (
        f"Make USERNAME a zone editor: a staff account in the {permissions.EDITOR_GROUP!r} group "
        "(created if missing; asks for a password for a new account)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help="Create a new account without a usable password (set one later)",
        )

    def handle(self, *args, username: str, email: str = "", no_password=False, **options):
        User = get_user_model()
        group = permissions.ensure_editor_group()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email)
            if no_password:
                user.set_unusable_password()
            else:
                password = getpass(f"Password for {username}: ")
                if not password or password != getpass("Password (again): "):
                    raise CommandError("the passwords were empty or did not match")
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
                user.set_password(password)
            created = True
        else:
            created = False
        user.is_staff = True
        user.save()
        user.groups.add(group)
        verb = "created" if created else "updated"
        self.stdout.write(f"create_editor: {verb} {username}, a member of {group.name!r}")
