from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    ORGANISATION = "organisation", _("Tổ chức")
    STAFF = "staff", _("Cán bộ, công chức")
