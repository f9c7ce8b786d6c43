"""The gradient probe after a fix, on the rows the scan probed before it: the evidence that `fix` worked.

The scan probes its row sample of the input. Here the same sample goes through the fitted recipe, and,
when the fix resampled, through the same resampler (same method and seed), and is probed again with
the same seed. When the sample holds every row (up to 100,000 rows) that is exactly the fixed output.

The probe runs with BLAS on the calling thread only, as the scan's does (``core.parallel.one_blas_thread``): its
SVDs of a wide fixed output (5,000 rows × 3,300 one-hot and scaled columns) are the fix's largest cost there, and
on a busy machine two BLAS threads took twice the wall time of one, and twice the CPU. Its matrices are factored
once (QR) from one row per column, and the standardised one (columns of equal norm) decides its rank on its own
SVD (``analysis.probe``): on that wide output 104 -> 55 s of CPU, the same figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.attribution import attribute
from ..analysis.probe import probe_frame
from ..core.parallel import one_blas_thread
from ..io.read import to_frame
from ..steps import Resample
from ..steps.base import FitContext

if TYPE_CHECKING:
    from .result import FixResult

__all__ = ["probe_after_fix"]

# the fitted method -> the option that reproduces it (``smote`` picks SMOTENC itself with text features)
_REPLAY = {"over": "over", "under": "under", "smote": "smote", "smotenc": "smote"}


@one_blas_thread()
def probe_after_fix(result: "FixResult") -> dict[str, Any] | None:
    """Probe the fixed rows of the scan's sample; None when the scan did not probe (no target)."""
    before = result.before
    profile = before.profile
    if before.probe is None or profile is None or profile.target is None:
        return None
    target = profile.target.name
    if profile.stats.sample.num_rows >= profile.rows and result.frame_is_output:
        fixed = result.features_frame  # the sample is every row, in order: fix already transformed and resampled it
    else:
        sample = to_frame(profile.stats.sample.drop_columns(["__row__"]))
        fixed = result.recipe.transform(sample, [])
        resampler = next((s for s in result.recipe.steps if s.name == "resample"), None)
        method = _REPLAY.get(getattr(resampler, "method_", "none"))
        if method is not None:
            context = FitContext(target=target, seed=resampler.seed, profile=profile)
            fixed = Resample(method=method, seed=resampler.seed).fit_resample(fixed, context, [])
    measured = probe_frame(fixed, target, task=profile.target.task)
    if measured is None:
        return None
    measured.pop("seconds")
    if result.after is not None:
        measured["attribution"] = attribute(measured, result.after.findings, target=target)
    return measured
