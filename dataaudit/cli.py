"""The command line: parse options, call the library, render, exit 0/1/2. No logic of its own."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
from pathlib import Path

import click
from click.core import ParameterSource

from ._version import __version__
from .analysis.catalogue import catalogue, lookup
from .analysis.report import FAIL_ON_CHOICES
from .engines import APPLY_ENGINES, ENGINES
from .errors import DataAuditError, UsageError
from .fixing.options import CHOICES, FIT_ROWS, FixOptions
from .progress import for_cli as _progress

# The commands import the library's verbs, the settings file, the formats and the fix report when they run, so
# that `rules`, `explain` and `--version` start in the time of the rule registry's imports (bench/startup.py).
FIX_ENGINES = ENGINES  # fix --engine: scan's
#: ``formatters.FORMATTERS``' names (tests/test_cli.py checks they agree), for --format without importing them.
FORMAT_NAMES = ("github", "html", "json", "junit", "markdown", "sarif", "text")


class _Group(click.Group):
    """Turns a DataAuditError (or an unexpected bug) into one stderr line and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DataAuditError as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"dataaudit: error: {exc}", err=True)
            ctx.exit(2)
        except click.UsageError as exc:  # bad option value, missing argument: one line, exit 2
            click.echo(f"dataaudit: error: {exc.format_message()}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # `dataaudit rules | head`: the reader left; stop quietly
            _silence_stdout()
            ctx.exit(0)
        except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
            if ctx.params.get("debug"):
                raise
            click.echo(f"dataaudit: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
                       err=True)
            ctx.exit(2)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail on a closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _codes(values: tuple[str, ...]) -> list[str]:
    """--select DA1,DA2 --select DA701 → ['DA1', 'DA2', 'DA701']."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


_sheet_option = click.option(
    "--sheet", help="Excel only: the sheet to read, by name or 0-based position [default: the first].")
_safe_csv_option = click.option(
    "--spreadsheet-safe", "safe_csv", is_flag=True,
    help="CSV output: put a ' before text cells a spreadsheet would run as formulas (=, +, -, @).")
_scheduler_option = click.option(
    "--scheduler", metavar="ADDRESS",
    help="--engine dask: the Dask scheduler to use (tcp://host:8786) [default: a local cluster of two worker "
         "processes, started for the run].")
_progress_option = click.option(
    "--progress/--no-progress", "show_progress", default=None,
    help="Show progress on stderr [default: only when stderr is a terminal and the run takes over half a second].")


def _report_options(func):
    """--format, -o, --fail-on, --select and --ignore, shared by scan and diff."""
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES),
                     help="Output format [default: text, or from -o's extension]."),
        click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
                     help="Write the report to FILE (atomically)."),
        click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="high", show_default=True,
                     help="Exit 1 when a finding is at or above this severity."),
        click.option("--select", multiple=True, help="Only these rules: codes, prefixes (DA2) or names; comma-separated."),
        click.option("--ignore", multiple=True, help="Skip these rules: codes, prefixes or names; comma-separated."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _config_options(func):
    """--config FILE and --isolated, shared by the commands that read the settings file."""
    func = click.option("--isolated", is_flag=True, help="Ignore any settings file.")(func)
    return click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
                        help="Settings file [default: dataaudit.toml or pyproject.toml's [tool.dataaudit], "
                             "found upward].")(func)


# command-line parameter -> key of the settings file (the fix ones live under [fix])
SCAN_SETTINGS = {"target": "target", "fail_on": "fail-on", "select": "select", "ignore": "ignore",
                 "max_rows": "max-rows", "sheet": "sheet", "engine": "engine", "scheduler": "scheduler"}
DIFF_SETTINGS = ("target", "fail_on", "select", "ignore", "sheet")  # the scan settings diff shares
FIX_SETTINGS = {"scaler": "scaler", "impute": "impute", "outliers": "outliers", "encode": "encode",
                "resample": "resample", "seed": "seed", "clip_k": "clip-k", "drop_leaky": "drop-leaky",
                "target_transform": "target-transform", "drop_absurd_target": "drop-absurd-target",
                "keep_text": "keep-text", "codes": "codes", "safe_csv": "spreadsheet-safe"}


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dataaudit")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """Find the data problems that break gradient training, and score the gradient risk."""


@cli.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--target", "-t", help="Label column: enables the imbalance and leakage checks.")
@_report_options
@click.option("--quiet", "-q", is_flag=True, help="Text format: print the findings only.")
@click.option("--max-rows", type=int, default=100_000, show_default=True,
              help="Row sample for the checks that read rows together (DA103, DA105, DA503, DA605, DA606, DA607, DA701) and the probe.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="pandas: read into memory, exact; stream: Arrow record batches in bounded memory (large "
                   "numeric columns' medians and distinct counts become estimates); dask: the stream engine's "
                   "statistics partition by partition on a Dask cluster (PATH may be a quoted glob or a directory; "
                   "pip install 'dataaudit[dask]'); auto: stream files larger than a tenth of the memory.")
@_scheduler_option
@_sheet_option
@_config_options
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help="Report (and fail on) only findings that are new or worse than in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False, path_type=str),
              help="Record today's findings as accepted, in FILE, and exit 0.")
@_progress_option
def scan_command(paths: tuple[str, ...], target: str | None, fmt: str | None, output: str | None, fail_on: str,
                 select: tuple[str, ...], ignore: tuple[str, ...], quiet: bool, max_rows: int,
                 sheet: str | None, config_path: str | None, isolated: bool, baseline_path: str | None,
                 write_baseline: str | None, show_progress: bool | None, engine: str,
                 scheduler: str | None) -> None:
    """Scan one or more data files and report findings and gradient risk."""
    from . import baseline, config
    from .api import scan
    from .formatters import render
    from .io.write import check_not_input, write_text_atomic

    settings = config.load(config_path, isolated=isolated)
    chosen = _resolved({name: settings.get(key) for name, key in SCAN_SETTINGS.items()})
    target, fail_on, max_rows, sheet = chosen["target"], chosen["fail_on"], chosen["max_rows"], chosen["sheet"]
    select, ignore = tuple(chosen["select"]), tuple(chosen["ignore"])
    # the settings' scheduler serves --engine dask only; a --scheduler typed with another engine is an error
    scheduler = chosen["scheduler"] if chosen["engine"] == "dask" or scheduler is not None else None
    if output:
        check_not_input(output, paths)
    fmt = _output_format(fmt, output)
    reports = [scan(p, target=target, select=_codes(select), ignore=_codes(ignore), fail_on=fail_on, sheet=sheet,
                    max_rows=max_rows, engine=chosen["engine"], scheduler=scheduler, **settings.scan_options(),
                    progress=_progress(show_progress, p)) for p in paths]
    if write_baseline:
        check_not_input(write_baseline, paths)
        count = baseline.write(reports, write_baseline)
        click.echo(f"wrote a baseline of {count:,} finding(s) in {len(reports)} file(s) to {write_baseline}")
        sys.exit(0)
    if baseline_path:
        accepted = baseline.load(baseline_path)
        reports = [baseline.apply(r, accepted) for r in reports]
    options = {"color": output is None and sys.stdout.isatty(), "quiet": quiet} if fmt == "text" else {}
    text = render(reports, fmt, **options)
    if output:
        write_text_atomic(output, text)
    else:
        try:
            click.echo(text, nl=False)
        except BrokenPipeError:
            _silence_stdout()
    _append_step_summary(reports)
    sys.exit(max(r.exit_code() for r in reports))


def _output_format(fmt: str | None, output: str | None) -> str:
    """--format when given, else the one -o's extension names, else text."""
    from .formatters import format_for_path

    if fmt is None and output:
        fmt = format_for_path(output)  # report.sarif.json → sarif, report.json → json
        if fmt is None:
            suffix = Path(output).suffix.lower()
            raise UsageError(f"{output}: cannot tell the format from {suffix or 'no extension'!r}; "
                             f"use --format ({', '.join(FORMAT_NAMES)})")
    return fmt or "text"


def _resolved(configured: dict[str, object]) -> dict[str, object]:
    """Per parameter: the command-line value when the user gave one, else the settings file's (when it
    has one), else the default."""
    ctx = click.get_current_context()
    out = {}
    for name, value in configured.items():
        source = ctx.get_parameter_source(name)
        given_by_user = source not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP, None)
        out[name] = ctx.params[name] if value is None or given_by_user else value
    return out


def _append_step_summary(reports) -> None:
    """In a GitHub Actions job, append the Markdown report to the job summary ($GITHUB_STEP_SUMMARY)."""
    from .formatters import render

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8") as handle:  # appending is the protocol: other steps write too
            handle.write(render(reports, "markdown") + "\n")
    except OSError as exc:
        click.echo(f"dataaudit: warning: cannot append to GITHUB_STEP_SUMMARY {summary}: {exc}", err=True)


@cli.command("fix")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--output", "-o", type=click.Path(path_type=str),
              help="Repaired data: .csv, .parquet, .feather or .jsonl; with --engine dask a partitioned Parquet "
                   "directory (DIR or DIR.parquet). Written atomically. Required unless --dry-run.")
@click.option("--target", "-t", help="Label column: a class label is kept as is and drives resampling; a "
                                    "regression target is transformed (--target-transform).")
@click.option("--recipe", "recipe_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the fitted recipe (JSON) for `dataaudit apply`.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the before/after report (.md, .json, .txt or .html); the text report goes to stdout anyway.")
@click.option("--scaler", type=click.Choice(CHOICES["scaler"]), default="mad", show_default=True)
@click.option("--impute", type=click.Choice(CHOICES["impute"]), default="auto", show_default=True)
@click.option("--outliers", type=click.Choice(CHOICES["outliers"]), default="clip", show_default=True)
@click.option("--encode", type=click.Choice(CHOICES["encode"]), default="onehot", show_default=True)
@click.option("--resample", type=click.Choice(CHOICES["resample"]), default="auto", show_default=True)
@click.option("--codes", type=click.Choice(CHOICES["codes"]), default="categorical", show_default=True,
              help="Integer category codes (DA408: a race stored as 1/2/3, a school number): categorical imputes, "
                   "encodes and never clips or scales them; numeric keeps them numbers. Dates packed into numbers "
                   "stay numbers either way.")
@click.option("--clip-k", type=float, default=3.5, show_default=True,
              help="Clip at median ± k robust z-scores (k·MAD/0.6745).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random step.")
@click.option("--drop-leaky", is_flag=True, help="Also drop columns that predict the target almost perfectly.")
@click.option("--target-transform", type=click.Choice(CHOICES["target_transform"]), default="auto",
              show_default=True,
              help="A regression target: auto takes log1p of a non-negative target with a long upper tail, then "
                   "standardises (median, MAD); log, standard, or none to keep it as it is. The recipe maps "
                   "predictions back (Recipe.inverse_target). A class label is never changed.")
@click.option("--drop-absurd-target", is_flag=True,
              help="Also drop training rows whose regression target is absurd (more than 10 robust z-scores out "
                   "once transformed: a 1e9 typo among house prices); they are reported either way. --engine "
                   "pandas only.")
@click.option("--keep-text", is_flag=True,
              help="Keep the free-text columns (DA414: names, comments, addresses), frequency-encoded, instead of "
                   "dropping them.")
@click.option("--dry-run", is_flag=True,
              help="Report what would change; write no data or recipe; exit as scan does (1 on findings at or above high).")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--engine", type=click.Choice(FIX_ENGINES), default="auto", show_default=True,
              help="pandas: fix in memory; stream: fit the steps on a uniform sample of --fit-rows rows, then "
                   "transform and write the file batch by batch in bounded memory; dask: the same partition by "
                   "partition on a Dask cluster, into a partitioned Parquet directory (PATH may be a quoted glob or a "
                   "directory; pip install 'dataaudit[dask]'); auto: stream files larger than a tenth of the memory.")
@click.option("--fit-rows", type=int, default=FIT_ROWS, show_default=True,
              help="--engine stream or dask: rows of the uniform sample the steps are fitted on (every row of a "
                   "smaller file).")
@_scheduler_option
@_sheet_option
@_safe_csv_option
@_config_options
@_progress_option
def fix_command(path: str, output: str | None, target: str | None, recipe_path: str | None, report_path: str | None,
                scaler: str, impute: str, outliers: str, encode: str, resample: str, codes: str, clip_k: float, seed: int,
                drop_leaky: bool, keep_text: bool, target_transform: str, drop_absurd_target: bool, dry_run: bool,
                overwrite: bool, engine: str, fit_rows: int, scheduler: str | None,
                sheet: str | None, safe_csv: bool, config_path: str | None, isolated: bool,
                show_progress: bool | None) -> None:
    """Write a repaired, model-ready copy of PATH (and a recipe that reproduces it)."""
    from . import config
    from .api import fix
    from .fixing import report as fix_report
    from .io.write import check_not_input, write_text_atomic

    if output is None and not dry_run:
        raise UsageError("Missing option '--output' / '-o' (only --dry-run needs no destination).")
    settings = config.load(config_path, isolated=isolated)
    chosen = _resolved({"target": settings.get("target"), "sheet": settings.get("sheet"),
                        "engine": settings.get("engine"), "scheduler": settings.get("scheduler"),
                        **{name: settings.fix.get(key) for name, key in FIX_SETTINGS.items()}})
    target, sheet, safe_csv = chosen["target"], chosen["sheet"], chosen["safe_csv"]
    # as scan: the settings' scheduler serves --engine dask only; a --scheduler typed with another engine is an error
    scheduler = chosen["scheduler"] if chosen["engine"] == "dask" or scheduler is not None else None
    options = FixOptions(**{name: chosen[name] for name in FIX_SETTINGS if name != "safe_csv"})
    report_fmt = None
    if report_path:
        check_not_input(report_path, [path])
        report_fmt = fix_report.FORMAT_BY_SUFFIX.get(Path(report_path).suffix.lower())
        if report_fmt is None:
            raise UsageError(f"{report_path}: the report must be .md, .json, .txt or .html")
    if dry_run and output is not None:
        check_not_input(output, [path])  # api.fix checks an output it writes
    result = fix(path, output=None if dry_run else output, target=target,
                 recipe_path=None if dry_run else recipe_path, options=options, overwrite=overwrite, sheet=sheet,
                 safe_csv=safe_csv, missing_values=settings.missing_values, engine=chosen["engine"],
                 fit_rows=fit_rows, scheduler=scheduler, progress=_progress(show_progress, path),
                 rule_options=settings.get("rules"), column_rule_options=settings.column_rule_options or None)
    if report_path:
        write_text_atomic(report_path, fix_report.render(result, report_fmt))
    click.echo(fix_report.render(result, "text"), nl=False)
    shape = f"{result.rows['out']:,} rows × {len(result.recipe.output_columns):,} columns"
    if not dry_run:
        click.echo(f"wrote {shape} to {output}" + (" (partitioned Parquet)" if chosen["engine"] == "dask" else ""))
        return
    click.echo(f"dry run: nothing written (would write {shape}" + (f" to {output})" if output else ")"))
    sys.exit(result.before.exit_code())  # as scan: a pipeline can gate on the plan before running it


@cli.command("apply")
@click.argument("recipe", type=click.Path(path_type=str))
@click.argument("path", type=click.Path(path_type=str))
@click.option("--output", "-o", required=True, type=click.Path(path_type=str),
              help="Transformed data: .csv, .parquet, .feather or .jsonl; with --engine dask a partitioned Parquet "
                   "directory (DIR or DIR.parquet). Written atomically.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--keep", "keep", multiple=True, metavar="COL",
              help="Carry this column through unchanged, first, beside the model-ready ones (an ID to join "
                   "predictions back on); repeatable; the settings' apply.keep too.")
@click.option("--engine", type=click.Choice(APPLY_ENGINES), default="pandas", show_default=True,
              help="pandas: in memory; stream: batch by batch in bounded memory (the same rows); dask: partition by "
                   "partition on a Dask cluster (PATH may be a quoted glob "
                   "or a directory; pip install 'dataaudit[dask]').")
@_scheduler_option
@_sheet_option
@_safe_csv_option
@_config_options
@_progress_option
def apply_command(recipe: str, path: str, output: str, overwrite: bool, keep: tuple[str, ...], engine: str,
                  scheduler: str | None, sheet: str | None, safe_csv: bool, config_path: str | None, isolated: bool,
                  show_progress: bool | None) -> None:
    """Re-apply a fitted fix RECIPE to scoring data at PATH: every row out, in order; never resamples."""
    from . import config
    from .api import apply

    settings = config.load(config_path, isolated=isolated)
    keep = tuple(keep) or tuple(settings.apply.get("keep", ()))
    applied = apply(recipe, path, output, overwrite=overwrite, sheet=sheet, safe_csv=safe_csv, keep=keep, engine=engine,
                    scheduler=scheduler, progress=_progress(show_progress, path))
    for note in applied.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {applied.rows:,} rows × {len(applied.columns):,} columns to {output}"
               + (" (partitioned Parquet)" if engine == "dask" else ""))

@cli.command("diff")
@click.argument("reference", type=click.Path(path_type=str))
@click.argument("path", type=click.Path(path_type=str))
@click.option("--target", "-t", help="Label column: compares the class balance (or the regression target).")
@click.option("--recipe", "recipe_path", type=click.Path(dir_okay=False, path_type=str),
              help="A fix recipe: check that its centres, scales, clip bounds and categories still fit PATH.")
@_report_options
@_sheet_option
@_config_options
@_progress_option
def diff_command(reference: str, path: str, target: str | None, recipe_path: str | None, fmt: str | None,
                 output: str | None, fail_on: str, select: tuple[str, ...], ignore: tuple[str, ...],
                 sheet: str | None, config_path: str | None, isolated: bool, show_progress: bool | None) -> None:
    """Compare PATH with REFERENCE: schema changes, new categories, distribution shift, missing rates,
    class balance, and with --recipe whether a fitted recipe still fits."""
    from . import config
    from .api import diff
    from .formatters import render
    from .io.write import check_not_input, write_text_atomic

    settings = config.load(config_path, isolated=isolated)
    chosen = _resolved({name: settings.get(key) for name, key in SCAN_SETTINGS.items() if name in DIFF_SETTINGS})
    if output:
        check_not_input(output, [reference, path])
    fmt = _output_format(fmt, output)
    report = diff(reference, path, target=chosen["target"], recipe=recipe_path, select=_codes(chosen["select"]),
                  ignore=_codes(chosen["ignore"]), fail_on=chosen["fail_on"], sheet=chosen["sheet"],
                  **settings.scan_options(), progress=_progress(show_progress, path))
    options = {"color": output is None and sys.stdout.isatty()} if fmt == "text" else {}
    text = render([report], fmt, **options)
    if output:
        write_text_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(report.exit_code())


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: code, name, command (scan or diff), category, default severity, gradient effect, fix step."""
    rules = catalogue()
    if fmt == "markdown":
        click.echo("| code | name | command | category | severity | gradient effect | fix | what it detects |")
        click.echo("|---|---|---|---|---|---|---|---|")
        for r in rules:
            click.echo(f"| {r.code} | {r.name} | {r.command} | {r.category} | {r.severity} | {r.gradient_effect} | "
                       f"{r.fix} | {r.summary.replace('|', '/')} |")
        return
    for r in rules:
        click.echo(f"{r.code}  {r.name:<26} {r.command:<5} {str(r.category):<10} {str(r.severity):<8} "
                   f"{str(r.gradient_effect):<21} {r.summary}")


@cli.command("explain")
@click.argument("code")
def explain_command(code: str) -> None:
    """Explain a rule: what it detects, how it decides, why it hurts training, how fix repairs it."""
    rule = lookup(code)
    click.echo(f"{rule.code} {rule.name} ({rule.category}, default severity {rule.severity})")
    click.echo("")
    click.echo(f"What it detects: {rule.summary}")
    click.echo("")
    if rule.details:
        click.echo("How it decides:")
        for paragraph in rule.details:
            click.echo(textwrap.fill(paragraph, width=100, initial_indent="  ", subsequent_indent="  ",
                                     break_on_hyphens=False))
        click.echo("")
    click.echo(f"Why it hurts training: {rule.why}")
    click.echo("")
    click.echo(f"How fix repairs it: {rule.how}")
    click.echo("")
    click.echo(f"Gradient effect: {rule.gradient_effect}. Fix step: {rule.fix}.")
    if rule.options:
        click.echo("Options: " + ", ".join(f"{k}={v}" for k, v in rule.options))


def _terminate(signum, frame) -> None:
    """SIGTERM as an interruption, so half-written temporary files are removed on the way out."""
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = cli.main(prog_name="dataaudit", standalone_mode=False)
    except click.UsageError as exc:  # errors in the group's own options, before a command runs
        click.echo(f"dataaudit: error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("dataaudit: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["cli", "main", "UsageError"]
