"""``sqmreport build | validate``: the command line.

User mistakes, and a report folder that cannot be written (a file, read-only, full,
holding files sqmreport did not write, another build writing it), end with one line on
stderr and exit code 2; a failed notebook with exit code 1; an interrupted build with 130,
its one line saying what each report folder holds: the previous reports or the new ones
(a report folder is replaced as a whole, see :mod:`sqmreport.build.output`).  A cell's
output that does not reach the report is a ``warning:`` line on stderr (the build goes on).
Heavy imports wait until a command needs them, so ``--help`` and ``validate`` start quickly.
"""

from __future__ import annotations

import argparse
import signal
import sys

from sqmreport._validation import InputError

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqmreport", description="Service-quality survey data to client-ready reports.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build a study's reports",
                                description="Validate a study and build its HTML reports, "
                                            "tables and executive overview, and the workbook, "
                                            "PDF and deck it asks for.")
    build.add_argument("studies", nargs="+", metavar="STUDY", help="study file (YAML)")
    build.add_argument("--out", metavar="DIR",
                       help="folder for the reports (default: reports/<study name>); "
                            "only with one study.  The build replaces the folder as a whole "
                            "(all old reports or all new ones); it refuses a folder holding "
                            "files it did not write, or one that contains or lies inside "
                            "the study's inputs")
    build.add_argument("--report", action="append", metavar="NAME",
                       help="build only this report (repeatable)")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument("--progress", action="store_true",
                       help="show progress even when stderr is not a terminal (default: only on one)")
    build.add_argument("--deliverables", action="append", metavar="LIST",
                       help="make these deliverables too, besides those the study file asks for "
                            "(its 'deliverables', by default the reports' pages, the overview "
                            "and the workbook): workbook, pdf, deck, comma-separated, or all")
    build.add_argument("--jobs", type=int, metavar="N",
                       help="steps run at once, a study's data check or a report's notebook, "
                            "across all the studies (default: one per core, and at least one "
                            "per report of a study)")

    validate = commands.add_parser("validate", help="check a study without building it",
                                   description="Check a study file and its data; "
                                               "print what was found.")
    validate.add_argument("studies", nargs="+", metavar="STUDY", help="study file (YAML)")
    return parser


_stopping = []


def _interrupt(signum, frame):
    """Ctrl-C and SIGTERM: the first stops the build (scratch files removed, the report
    folder old or new as a whole); any further one is ignored, so that the clean-up and
    the line saying what the folder holds are not cut short."""
    if not _stopping:
        _stopping.append(signum)
        raise KeyboardInterrupt


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    _stopping.clear()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _interrupt)
    try:
        if args.command == "validate":
            return _validate(args)
        return _build(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        _stopping.append(None)  # the outcome is decided: say it (and ignore any further signal)
        # What jupyter_client's objects may still report while they are collected at exit
        # (their __del__ on a loop that is gone) is noise.
        sys.unraisablehook = lambda unraisable: None
        outcome = getattr(exc, "outcome", None) or "the previous reports are unchanged"
        print(f"interrupted: {outcome}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _validate(args) -> int:
    from sqmreport.data.check import check
    from sqmreport.data.survey import load_survey

    for path in args.studies:
        survey = load_survey(path)
        study = survey.study
        forms = ", ".join(survey.ratings)
        others = check(study)
        print(f"{path}: ok: {survey.n} respondents, {len(study.instrument.items)} items "
              f"({forms}) on {len(study.instrument.dimensions)} dimensions"
              + (f"; also {', '.join(others)}" if others else "")
              + f"; reports: {', '.join(study.spec.reports)}")
    return EXIT_OK


def _build(args) -> int:
    from sqmreport.build import forkserver as _forkserver

    if args.out and len(args.studies) > 1:
        raise InputError("--out takes one study; build several studies into reports/<name>")
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {args.jobs}")
    # The kernels' template starts importing now, while this process imports and checks.
    template = _forkserver.start()
    try:
        from sqmreport.build.render import BuildError, OutputError, build_studies

        try:
            built = build_studies(args.studies, out=args.out, reports=args.report,
                                  force=args.force, jobs=args.jobs,
                                  deliverables=args.deliverables or (),
                                  log=_progress(args.progress), template=template)
        except BuildError as exc:
            print(f"error: {exc.study}: {exc}" if exc.study else f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except OutputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        for item in built:
            if item.rebuilt:
                print(item.path)
    finally:
        if template is not None:
            template.close()
    return EXIT_OK


def _progress(wanted: bool):
    """Warnings always; progress lines on a terminal (or when asked), not when stderr is a
    file or a pipe (make, CI)."""
    shown = wanted or sys.stderr.isatty()

    def log(line: str) -> None:
        if shown or line.startswith("warning: "):
            print(line, file=sys.stderr, flush=True)

    return log


if __name__ == "__main__":
    sys.exit(main())
