"""A storage that fails as a full disk or an unreachable bucket does, for the tests of issuance under failure."""

from django.core.files.storage import InMemoryStorage


class FlakyStorage(InMemoryStorage):
    """In memory, except that the saves whose numbers (from 1, counted across instances) are in `failing`
    raise OSError. Reset both class attributes before use."""

    failing = set()
    saves = 0

    def _save(self, name, content):
        type(self).saves += 1
        if type(self).saves in type(self).failing:
            raise OSError(28, "No space left on device")
        return super()._save(name, content)
