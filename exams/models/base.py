from django.db import models


class TimeStampedModel(models.Model):
    """Adds `created` and `modified` like model_utils' TimeStampedModel."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
