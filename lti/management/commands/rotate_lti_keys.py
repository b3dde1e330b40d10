"""`manage.py rotate_lti_keys`: new platform signing key; the previous one stays in the JWKS."""

from django.core.management.base import BaseCommand

from lti.services.keys import published_keys, rotate_keys


class Command(BaseCommand):
    help = "Create a new LTI platform signing key. Published keys: the newest LTI_PUBLISHED_KEY_COUNT."

    def handle(self, *args, **options):
        key = rotate_keys()
        self.stdout.write(f"Signing with kid {key.kid}; published kids: {', '.join(k.kid for k in published_keys())}")
