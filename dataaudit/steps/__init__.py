"""Fix steps, one module each; ``STEPS`` maps a step name to its class (the recipe's registry)."""

from .clip import Clip
from .drop import Drop
from .encode import Encode
from .impute import Impute
from .mark_missing import MarkMissing
from .repair import Repair
from .resample import Resample
from .robust_scale import RobustScale
from .target import TargetTransform

STEPS = {cls.name: cls for cls in (MarkMissing, TargetTransform, Repair, Drop, Impute, Clip, RobustScale, Encode, Resample)}

__all__ = ["STEPS", "MarkMissing", "Repair", "Drop", "Impute", "Clip", "RobustScale", "Encode", "Resample",
           "TargetTransform"]
