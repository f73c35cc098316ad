"""The Temporal worker process: every workflow and activity, on ``settings.task_queue``.

The adapters (event store with the domain's personal-data registry and upcasters,
notifier: outbox table or SMTP, Temporal client with the production data converter) come
from the composition root, ``ninyo.bootstrap``; the worker registers exactly
``workflows.registry``'s set. With ``NINYO_SMTP_HOST`` set, the SMTP delivery worker sends
the outbox beside it, and the applicant mailer queues applicants' mail from the log. SIGTERM / SIGINT shut it down gracefully: polling stops, running
activities get ``graceful_shutdown`` to finish, then the store closes.

    python -m worker        # or: ninyo worker
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta


async def main() -> None:
    from ninyo import bootstrap
    from ninyo.logging import get_logger

    log = get_logger("ninyo.worker")
    async with bootstrap.runtime(notify=True, migrate=True) as rt:
        settings, notifier = rt.settings, rt.notifier
        worker = bootstrap.worker(rt, graceful_shutdown=timedelta(seconds=20))

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        log.info(
            "worker started", task_queue=settings.task_queue, temporal=settings.temporal_address,
            namespace=settings.temporal_namespace, notifier=notifier.channel,
        )
        from ninyo import telemetry

        telemetry.start_metrics_server()  # NINYO_METRICS_PORT: store, reminders
        run = asyncio.create_task(worker.run())
        mail = _start_mail(settings, notifier, rt.store, stop)
        try:
            await asyncio.wait([run, asyncio.create_task(stop.wait())],
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            log.info("worker stopping")
            await worker.shutdown()
            if not run.done():
                run.cancel()
            if mail is not None:
                await asyncio.wait_for(mail, timeout=30)
        log.info("worker stopped")
    if run.done() and not run.cancelled() and run.exception():
        raise run.exception()  # type: ignore[misc]


def _start_mail(settings, notifier, store, stop: asyncio.Event):
    """Beside Temporal: the applicant mailer queues mail to applicants from the log, and
    with NINYO_SMTP_HOST set the SMTP delivery worker sends the outbox."""
    if not hasattr(notifier, "engine"):
        return None
    from activities.delivery import MailDelivery, SmtpConfig
    from documents.applicant_mail import ApplicantMailer

    loops = [ApplicantMailer(store, notifier.engine, templates_dir=settings.mail_templates_dir)
             .run(stop)]
    if settings.smtp_host:
        loops.append(MailDelivery(notifier.engine, SmtpConfig.from_settings(settings)).run(stop))
    return asyncio.gather(*loops)


if __name__ == "__main__":
    asyncio.run(main())
