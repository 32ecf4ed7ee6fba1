"""Why a zone change was refused: the message names the problem; nothing was stored."""


class EditRefused(Exception):
    """A zone change that cannot be saved; nothing was stored and the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class EditConflict(EditRefused):
    """Someone else saved the zone after it was loaded."""


# The SQLSTATE the zones_zone trigger raises for a write from a stale copy (migration 0007).
STALE_ZONE_SQLSTATE = "MZ409"
