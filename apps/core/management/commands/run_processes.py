"""`manage.py run_processes Procfile.dev`: the web server, the worker and beat in one terminal; Ctrl-C stops all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.processes import Supervisor, read_procfile


class Command(BaseCommand):
    help = "Run every process of a Procfile in the foreground; Ctrl-C (or SIGTERM) stops them all cleanly."

    def add_arguments(self, parser):
        parser.add_argument("procfile", type=Path)
        parser.add_argument("--stop-timeout", type=float, default=15.0,
                            help="seconds to wait for the processes to stop before killing them")

    def handle(self, *args, procfile, stop_timeout, **options):
        try:
            specs = read_procfile(procfile)
        except (OSError, ValueError) as error:
            raise CommandError(str(error))
        status = Supervisor(specs, stop_timeout=stop_timeout, out=self.stdout._out).run()
        if status:
            raise SystemExit(status)
