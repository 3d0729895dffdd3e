from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How a document came into the citizen's store (NĐ 45/2020)."""

    UPLOADED = "uploaded", _("Do bạn tải lên")
    ISSUED = "issued", _("Kết quả do cơ quan cấp")
