"""Demo and benchmark data.

* :func:`populate_demo` fills a fresh store with a realistic Brazilian working day for ``deskchat --demo``.
* :func:`generate_bulk` fills a store with tens of thousands of conversations and up to millions of messages for
  benchmarks; :func:`prepare_bulk`, :func:`batches_for` / :func:`message_batches`, :func:`write_batches` and
  :func:`finish_bulk` are its steps, so a benchmark can time the ingest on its own.
"""

from deskchat.demo.bulk import BulkResult, ProgressCallback, finish_bulk, generate_bulk, prepare_bulk, write_batches
from deskchat.demo.bulk_messages import (
    BIG_CONVERSATION_MESSAGES,
    ConversationSpec,
    batches_for,
    message_batches,
    spread,
)
from deskchat.demo.generator import DemoSummary, populate_demo

__all__ = [
    "BIG_CONVERSATION_MESSAGES",
    "BulkResult",
    "ConversationSpec",
    "DemoSummary",
    "ProgressCallback",
    "batches_for",
    "finish_bulk",
    "generate_bulk",
    "message_batches",
    "populate_demo",
    "prepare_bulk",
    "spread",
    "write_batches",
]
