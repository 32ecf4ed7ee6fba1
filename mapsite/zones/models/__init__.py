"""The policy as data: sources, assumptions, weapons, targets, policies and zones."""

from mapsite.zones.models.evidence import Assumption, Source, TargetCategory, WeaponSystem
from mapsite.zones.models.feature import ZoneFeature
from mapsite.zones.models.policy import (
    MAX_DEPTH_KM,
    Policy,
    Zone,
    ZonePiece,
    bundled_data_load,
    changed_by,
    conflict_message,
)
from mapsite.zones.models.reference import DataVersion, Place, ReferenceFeature

__all__ = [
    "MAX_DEPTH_KM",
    "Assumption",
    "DataVersion",
    "Place",
    "Policy",
    "ReferenceFeature",
    "Source",
    "TargetCategory",
    "WeaponSystem",
    "Zone",
    "ZoneFeature",
    "ZonePiece",
    "bundled_data_load",
    "changed_by",
    "conflict_message",
]
