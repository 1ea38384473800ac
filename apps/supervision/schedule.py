"""The default Celery beat schedule, stored in the database (django-celery-beat) so that an administrator
can change it in the admin without a deploy. Installing it again leaves existing entries alone."""

# name -> (task, every N seconds)
DEFAULT_SCHEDULE = {
    "电子监察：期限预警与超时 / deadline sweep": ("apps.supervision.tasks.sweep_deadlines", 60),
    "逾期视为受理 / deemed acceptance": ("apps.supervision.tasks.deem_acceptance", 15 * 60),
    "送达超期 / late deliveries": ("apps.supervision.tasks.flag_late_deliveries", 15 * 60),
    "补正提醒与差评整改 / reminders and rectifications": ("apps.supervision.tasks.remind_and_follow_up", 15 * 60),
    "通知重发 / resend pending notifications": ("apps.notifications.tasks.resend_pending", 5 * 60),
    "审计检查点 / audit checkpoint": ("apps.applications.tasks.seal_audit_checkpoint", 60 * 60),
    "日常清理 / housekeeping": ("apps.core.tasks.clear_expired", 24 * 60 * 60),
    "统计日汇总 / daily figures rollup": ("apps.analytics.tasks.refresh_rollup_task", 10 * 60),
}


def install_schedule(periodic_task_model, interval_model) -> int:
    created = 0
    for name, (task, seconds) in DEFAULT_SCHEDULE.items():
        interval, _ = interval_model.objects.get_or_create(every=seconds, period="seconds")
        _, was_created = periodic_task_model.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True})
        created += was_created
    return created
