"""A fake Telegram Bot API server on 127.0.0.1 that speaks the real wire format.

It answers ``GET``/``POST /bot<token>/<method>`` with form-encoded (values JSON-encoded, as
python-telegram-bot sends them), JSON or multipart bodies, and replies the way Telegram does:
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...,
"parameters": {...}}``. Updates are queued by the test and handed out by ``getUpdates``
(offsets confirm them, ``timeout`` long-polls) or pushed to a webhook set with ``setWebhook``.

Every call is recorded (method, decoded parameters, time, HTTP status) for assertions, and a
test can block a chat, migrate a group, inject a 429 once, set chat member statuses and enforce
Telegram's flood limits (30 messages/s overall, about 1/s per chat with short bursts, 20/min per
group), counting the 429s it answered.

Faults of the network between the bot and Telegram (``Faults``): an answer held back after the
message was posted (the client times out although Telegram has the message), a connection
closed instead of an answer, and storms of 5xx answers for a while or at random.

One module per job: ``server`` (``FakeBotAPI``, what a test drives), ``transport`` (HTTP),
``methods`` (what each Bot API method does), ``updates`` (getUpdates, webhook, update
builders), ``limits`` (blocked chats, injected failures, flood limits), ``markup`` (HTML
parse mode), ``faults`` and ``records``; Telegram objects come from ``bot.telegram.objects``,
shared with the console chat.

In-process use (pytest)::

    with FakeBotAPI(token) as api:
        bot = Bot(token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
        api.push_update(api.text_message(42, "/next"))
        reply = api.wait_for_message(lambda m: m.chat_id == 42, timeout=10)

As a script: ``python -m tests.fakes.bot_api --port 8081 [--limits]``.
"""

from bot.telegram.objects import (
    channel_chat,
    chat_member,
    command_entities,
    group_chat,
    private_chat,
    user,
)
from tests.fakes.bot_api.faults import Faults
from tests.fakes.bot_api.limits import Limits
from tests.fakes.bot_api.markup import (
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    telegram_html_to_text,
)
from tests.fakes.bot_api.records import (
    ApiError,
    Call,
    SentMessage,
    Stats,
    UploadedFile,
    iter_texts,
    too_many_requests,
)
from tests.fakes.bot_api.server import BOT_USER_ID, DEFAULT_TOKEN, FakeBotAPI
from tests.fakes.bot_api.transport import DROP_CONNECTION

__all__ = [
    "BOT_USER_ID",
    "DEFAULT_TOKEN",
    "DROP_CONNECTION",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "ApiError",
    "Call",
    "FakeBotAPI",
    "Faults",
    "Limits",
    "SentMessage",
    "Stats",
    "UploadedFile",
    "channel_chat",
    "chat_member",
    "command_entities",
    "group_chat",
    "iter_texts",
    "private_chat",
    "telegram_html_to_text",
    "too_many_requests",
    "user",
]
