"""Dashboards hold little about a person: who in HR nudged a pair, and whose monthly report e-mail is which."""

from accounts import privacy

from .models import Nudge, ReportSubscription

privacy.not_exported(Nudge, why="who in HR nudged a pair is the organisation's record of its own work")


@privacy.export("report_subscriptions", position=77, covers=[ReportSubscription])
def _report_subscriptions(user):
    def entry(subscription):
        return {
            "programme": subscription.programme.name if subscription.programme else None,
            "created_at": subscription.created_at,
        }

    rows = ReportSubscription.objects.filter(user=user).select_related("programme").order_by("pk")
    return list(rows), entry


@privacy.erase
def _delete_report_subscriptions(*, user, now):
    ReportSubscription.objects.filter(user=user).delete()
