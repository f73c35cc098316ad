"""The one data converter of Ninyo: pydantic JSON + AES-GCM payload codec.

Used by the worker, the API's Temporal client, the CLI and the replayer, so all of them
read and write the same bytes. Failure messages and stack traces are moved into the
encrypted attributes too (an error message must never leak personal data to the server).
"""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from ninyo.settings import Settings
from workflows.codec import EncryptionCodec


def data_converter_for_key(key: bytes) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(key),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(settings: Settings) -> DataConverter:
    """The production converter; key from ``NINYO_PAYLOAD_KEY`` (dev key under var/)."""
    return data_converter_for_key(settings.key("payload_key"))  # no dev key in production
