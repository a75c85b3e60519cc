"""python -m autograder: the instructor's commands around nbgrader.

  release     regenerate release/ from source/
  validate    check that every source notebook passes all its tests
  autograde   grade every submission in submitted/ in sandboxes (bubblewrap), in parallel: one row per
              student whatever happens, a score histogram and an integrity report at the end;
              --cluster local:N or tcp://HOST:PORT runs the submissions on Dask workers; run again, it
              grades only what is missing or changed since (--regrade: everything)
  feedback    write feedback HTML for the graded submissions
  export      write the grades to a CSV file (--format canvas|moodle: as that LMS's gradebook import reads it)
  lms-import  collect a Canvas or Moodle "download all submissions" zip into submitted/ (nbgrader zip_collect)
  demo        all of the above on bundled sample submissions, in a fresh course folder
  class       a trial class on a local JupyterHub at 127.0.0.1 (make class): an instructor, students, the
              exchange with every assignment released; run again, it carries on where it stopped
"""
import argparse
import contextlib
import shutil
import sys
from pathlib import Path

from . import cluster, lms, samples, trial_class
from .grader import CLUSTER_UNSAFE
from .notebooks import REPO
from .pipeline import Course, copy_course
from .results import summary


def demo(root, assignments):
    """Copy the course to root, add the sample submissions and run the whole pipeline there."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    course = Course(copy_course(root))
    print("== release")
    course.release(assignments)
    print("== sample submissions")
    for aid in course.assignments(assignments):
        roster = samples.build(root, aid)
        for student, what in roster.items():
            print(f"  {aid} {student}: {what}")
        course.enrol(roster)
    print("== autograde")
    results = course.autograde(assignments)
    print("== feedback")
    course.feedback(assignments)
    print("== grades")
    print(summary(results))
    course.export(root / "exports" / "grades.csv", assignments)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["release", "validate", "autograde", "feedback", "export", "demo",
                                                 "lms-import", "class"])
    parser.add_argument("zip", nargs="?", help="lms-import: the zip downloaded from the LMS")
    parser.add_argument("--course-dir", default=None,
                        help="course root (default: the repository; build/demo for demo); class: build/class")
    parser.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    parser.add_argument("--student", action="append", help="autograde: only this student (repeatable)")
    parser.add_argument("--to", default=None, help="export: the CSV file (default: exports/grades.csv)")
    parser.add_argument("--unsafe", action="store_true",
                        help="autograde: run student code without a sandbox where none is available")
    parser.add_argument("--lms", choices=sorted(lms.COLLECTORS), help="lms-import: which LMS the zip comes from")
    parser.add_argument("--names", default=None,
                        help="lms-import, export --format canvas|moodle: CSV mapping LMS ids to student ids "
                             "(columns lms_id,student_id[,login])")
    parser.add_argument("--format", default="course", choices=["course", *sorted(lms.COLLECTORS)],
                        help="export: the course's own columns (default), or an LMS's gradebook import")
    parser.add_argument("--port", type=int, default=8000, help="class: the hub's port on 127.0.0.1 (default 8000)")
    parser.add_argument("--workers", type=int, default=None, help="autograde: parallel runs (default: one per core)")
    parser.add_argument("--cluster", type=cluster.parse_spec, default=None, metavar="local:N|tcp://HOST:PORT",
                        help="autograde: run the submissions on Dask workers, N started here or a scheduler's; "
                             "judged and recorded here (README: Grading on a cluster)")
    parser.add_argument("--regrade", action="store_true",
                        help="autograde: grade every submission again, even those unchanged since their last grading")
    args = parser.parse_args(argv)
    if args.cluster and args.unsafe:
        parser.error(CLUSTER_UNSAFE)
    if args.command == "demo":
        demo(args.course_dir or REPO / "build" / "demo", args.assignment)
        return 0
    if args.command == "class":
        trial_class.run(args.course_dir or REPO / "build" / "class", args.port, args.assignment)
        return 0
    course = Course(args.course_dir or REPO)
    if args.command == "release":
        course.release(args.assignment)
    elif args.command == "validate":
        return 1 if course.validate(args.assignment) else 0
    elif args.command == "autograde":
        try:
            with cluster.connected(args.cluster) if args.cluster else contextlib.nullcontext() as client:
                print(summary(course.autograde(args.assignment, args.student, args.unsafe, args.workers,
                                               regrade=args.regrade, cluster=client)))
        except KeyboardInterrupt:
            print("\nstopped: every grade recorded so far is kept; run the same command again to grade the rest",
                  file=sys.stderr)
            return 130
    elif args.command == "feedback":
        course.feedback(args.assignment)
    elif args.command == "export" and args.format != "course":
        lms.export_gradebook(course, args.format, args.to or course.root / "exports" / f"grades-{args.format}.csv",
                             args.names, args.assignment)
    elif args.command == "export":
        course.export(args.to or course.root / "exports" / "grades.csv", args.assignment)
    elif args.command == "lms-import":
        if not (args.zip and args.lms and args.assignment and len(args.assignment) == 1):
            parser.error("lms-import needs ZIP, --lms canvas|moodle and one --assignment")
        return 1 if lms.import_zip(course, args.zip, args.lms, args.assignment[0], args.names).unmapped else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
