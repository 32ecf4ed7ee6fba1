"""The zone admin's GeoJSON import: its URL (admin:zones_zone_import), view and templates."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_protect

from mapsite.zones import importer, validation
from mapsite.zones.forms import ImportForm

# Room for the import form's other fields and the multipart framing around the file.
IMPORT_FORM_OVERHEAD = 64 * 1024


class ZoneImportMixin:
    """For the zones' ModelAdmin: "Import zones" on the changelist, and the import page.

    Importing needs the add permission, publishing what is imported the change permission
    too. An upload over settings.ZONE_IMPORT_MAX_BYTES is refused before its body is read.
    """

    # The changelist's "Import zones" link, and the import page.
    change_list_template = "admin/zones/zone/change_list.html"
    import_template = "admin/zones/zone/import.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self._import_entry()),
                name="zones_zone_import",
            )
        ]
        return urls + super().get_urls()

    def _import_entry(self):
        def import_entry(request: HttpRequest) -> HttpResponse:
            """Refuse an oversized upload before its body is read, then check CSRF."""
            if not self.has_add_permission(request):
                raise PermissionDenied
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.ZONE_IMPORT_MAX_BYTES
            if request.method == "POST" and length > limit + IMPORT_FORM_OVERHEAD:
                # Nothing is read or stored, so there is nothing for CSRF to protect.
                problems = [importer.too_large(limit)]
                return self._import_page(request, ImportForm(), problems, status=413)
            return csrf_protect(self.import_view)(request)

        # CSRF is checked by csrf_protect above, once the size is known to be sane.
        import_entry.csrf_exempt = True
        return import_entry

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._import_page(request, ImportForm(), [], 200)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, form, [], 400)
        publish = form.cleaned_data["publish"]
        if publish and not self.has_change_permission(request):
            raise PermissionDenied
        try:
            report = self._import_upload(request, form)
        except importer.ImportRefused as exc:
            return self._import_page(request, form, exc.problems, 400)
        for line in report.lines():
            self.message_user(request, line, messages.SUCCESS)
        changelist = reverse("admin:zones_zone_changelist")
        return HttpResponseRedirect(changelist + ("" if publish else "?state=draft"))

    def _import_upload(self, request: HttpRequest, form: ImportForm) -> importer.ImportReport:
        """Import the form's file in one transaction; ImportRefused names every problem."""
        upload = form.cleaned_data["file"]
        policy = form.cleaned_data["policy"]
        max_bytes = settings.ZONE_IMPORT_MAX_BYTES
        if upload.size > max_bytes:
            raise importer.ImportRefused([importer.too_large(max_bytes)])
        return importer.import_zones(
            upload,
            policy=policy.slug if policy else None,
            publish=form.cleaned_data["publish"],
            user=request.user,
            source=upload.name,
        )

    def _import_page(self, request, form, problems: list[str], status: int) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import zones",
            "form": form,
            "problems": problems,
            "max_bytes": settings.ZONE_IMPORT_MAX_BYTES,
            "region": validation.region_label(),
        }
        return TemplateResponse(request, self.import_template, context, status=status)
