"""Make a new Ed25519 key for signing the Open Badges credentials, and print its public part."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.issuer import verification_method
from certificates.keys import new_private_key, private_multibase, public_multibase


class Command(BaseCommand):
    help = (
        "Create an Ed25519 signing key for the Open Badges credentials. Writes the private key to --output (a new "
        "file, readable by its owner only) and prints the public key and its verification method. Point "
        "ALP_CREDENTIAL_SIGNING_KEY_FILE at the file. When rotating, add the old public key to "
        "ALP_CREDENTIAL_RETIRED_KEYS so that the credentials it signed stay verifiable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Where to write the private key; must not exist.")

    def handle(self, *args, output, **options):
        path = Path(output)
        key = new_private_key()
        try:
            # O_EXCL: never overwrite a key (the credentials it signed would no longer verify)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists already: choose another file, a key is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from None
        with os.fdopen(descriptor, "w") as handle:
            handle.write(private_multibase(key) + "\n")
        public = public_multibase(key.public_key())
        self.stdout.write(f"Private key written to {path}: keep it secret, set ALP_CREDENTIAL_SIGNING_KEY_FILE={path}.")
        self.stdout.write(f"Public key: {public}")
        self.stdout.write(f"Verification method: {verification_method(public)}")
