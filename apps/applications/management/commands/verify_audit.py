from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.applications.audit import append_only_problems, verify_all, verify_checkpoints
from apps.applications.models import Application, AuditCheckpoint, Event


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Check the audit trail: every application's keyed chain of events (naming the first broken link "
                 "of each broken chain), the signed checkpoints, and the database's refusal to change events.")

    def handle(self, *args, **options):
        failures = []
        broken = 0
        for link in verify_all():
            broken += 1
            self.stdout.write(_("BROKEN %(tracking_number)s (application %(id)s): event %(seq)s: %(problem)s")
                              % {"tracking_number": link.tracking_number, "id": link.application_id,
                                 "seq": link.seq, "problem": link.problem})
        total = Application.objects.count()
        if broken:
            failures.append(_("%(broken)s of %(total)s audit chains are broken") % {"broken": broken, "total": total})
        else:
            self.stdout.write(_("OK: %(total)s applications, %(events)s events, every chain intact")
                              % {"total": total, "events": Event.objects.count()})

        problems = list(verify_checkpoints())
        for problem in problems:
            self.stdout.write(_("BROKEN checkpoint %(seq)s: %(problem)s")
                              % {"seq": problem.checkpoint, "problem": problem.problem})
        if problems:
            failures.append(_("%(count)s problems with the audit checkpoints") % {"count": len(problems)})
        else:
            self.stdout.write(_("OK: %(count)s checkpoints, signed and consistent with the events")
                              % {"count": AuditCheckpoint.objects.count()})

        triggers = append_only_problems()
        if triggers is None:
            self.stdout.write(_("NOTE: this database does not refuse changes to events itself (PostgreSQL does)"))
        elif triggers:
            for problem in triggers:
                self.stdout.write(_("BROKEN database protection: %(problem)s") % {"problem": problem})
            failures.append(_("the database no longer refuses changes to audit records"))
        else:
            self.stdout.write(_("OK: the database refuses changes to events and checkpoints"))

        if failures:
            raise CommandError("; ".join(failures))
