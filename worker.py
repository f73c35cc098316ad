"""The Temporal worker: the composition root of the workflows and activities.

Builds the real adapters (event store with the domain's personal-data registry and
upcasters, notifier: outbox table or SMTP), connects to ``NINYO_TEMPORAL_ADDRESS`` with the
production data converter (pydantic + AES-GCM codec) and registers exactly
``workflows.registry``'s set. SIGTERM / SIGINT shut it down gracefully: polling stops,
running activities get ``graceful_shutdown`` to finish, then the store closes.

    python -m worker        # or: ninyo worker
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta


async def main() -> None:
    from temporalio.worker import Worker

    import eventstore
    from activities.notifications import notifier_from_settings
    from domain.events import personal_data_registry, upcasters
    from ninyo.logging import configure_logging, get_logger
    from ninyo.settings import get_settings
    from workflows import registry
    from workflows.client import connect

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    log = get_logger("ninyo.worker")

    store = await eventstore.from_settings(
        settings, personal=personal_data_registry(), upcasters=upcasters(), migrate=True
    )
    notifier = notifier_from_settings(settings)
    client = await connect(settings)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=registry.WORKFLOWS,
        activities=registry.activities(store=store, notifier=notifier, client=client),
        graceful_shutdown_timeout=timedelta(seconds=20),
    )

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    log.info(
        "worker started", task_queue=settings.task_queue, temporal=settings.temporal_address,
        namespace=settings.temporal_namespace, notifier=notifier.channel,
    )
    run = asyncio.create_task(worker.run())
    mail = _start_mail_delivery(settings, notifier, stop)
    try:
        await asyncio.wait([run, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    finally:
        log.info("worker stopping")
        await worker.shutdown()
        if not run.done():
            run.cancel()
        if mail is not None:
            await asyncio.wait_for(mail, timeout=30)
        await notifier.close()
        await store.close()
        log.info("worker stopped")
    if run.done() and not run.cancelled() and run.exception():
        raise run.exception()  # type: ignore[misc]


def _start_mail_delivery(settings, notifier, stop: asyncio.Event):
    """With NINYO_SMTP_HOST set, the SMTP delivery worker sends the outbox beside Temporal."""
    if not settings.smtp_host or not hasattr(notifier, "engine"):
        return None
    from activities.delivery import MailDelivery, SmtpConfig

    return asyncio.create_task(
        MailDelivery(notifier.engine, SmtpConfig.from_settings(settings)).run(stop))


if __name__ == "__main__":
    asyncio.run(main())
