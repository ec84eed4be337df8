"""The refusal the registration services raise, with its reason and the fields at fault."""


class RegistrationError(ValueError):
    """A registration or change refused; ``code`` says why, ``errors`` names fields."""

    def __init__(self, code: str, message: str = "", errors: dict[str, str] | None = None):
        super().__init__(message or code)
        self.code = code
        self.errors = errors or {}
