"""`manage.py register_lti_tool NAME --oidc-url ... --launch-url ... (--jwks-url URL | --public-key-file PEM)`."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lti.services.registration import register_tool, vendor_values


class Command(BaseCommand):
    help = "Register (or update) a proctoring tool as LTI 1.3 and link it to the provider NAME; prints vendor values."

    def add_arguments(self, parser):
        parser.add_argument("name", help="ProctoringProvider name (created when missing)")
        parser.add_argument("--verbose-name", default="", help="Display name of a new provider")
        parser.add_argument("--oidc-url", required=True, help="The tool's OIDC third-party login initiation URL")
        parser.add_argument("--launch-url", required=True, help="The tool's launch URL (target_link_uri)")
        parser.add_argument("--redirect-uri", action="append", default=[], help="Repeatable; default: launch URL")
        parser.add_argument("--jwks-url", default="", help="The tool's JWKS URL")
        parser.add_argument("--public-key-file", default="", help="The tool's public key (PEM file)")

    def handle(self, *args, **options):
        public_key = ""
        if options["public_key_file"]:
            try:
                public_key = Path(options["public_key_file"]).read_text()
            except OSError as exc:
                raise CommandError(f"Cannot read {options['public_key_file']}: {exc}") from exc
        try:
            config = register_tool(
                provider_name=options["name"],
                verbose_name=options["verbose_name"],
                oidc_url=options["oidc_url"],
                launch_url=options["launch_url"],
                redirect_uris=options["redirect_uri"],
                tool_keyset_url=options["jwks_url"],
                tool_public_key=public_key,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Registered tool for provider {options['name']!r} (lti_configuration_id={config.pk}).")
        self.stdout.write("Give the tool vendor:")
        for name, value in vendor_values(config).items():
            self.stdout.write(f"  {name:15} {value}")
