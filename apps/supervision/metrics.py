"""What supervision shows to Prometheus: the yellow and red applications, counted when scraped."""

from prometheus_client.core import GaugeMetricFamily

from .selectors import open_flag_counts


class FlaggedApplicationsCollector:
    def collect(self):
        gauge = GaugeMetricFamily("govservice_open_applications_flagged",
                                  "Applications under decision flagged yellow (warning) or red (overdue)",
                                  labels=["flag"])
        for flag, count in open_flag_counts().items():
            gauge.add_metric([flag], count)
        yield gauge
