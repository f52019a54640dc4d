"""`commcenter simulate sms ...`: play Twilio against the running local stack."""

from __future__ import annotations

import argparse
import os
from typing import Any

from commcenter_local.simulate import incoming_sms, simulate_call, sms_status
from commcenter_local.stack import attach_to_running_stack


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("simulate", help="send signed Twilio webhooks to the running local stack")
    channels = parser.add_subparsers(dest="channel", required=True)
    sms = channels.add_parser(
        "sms",
        help="an incoming SMS (or, with --status, a status callback of an outbound one)",
        description="Without --status: an incoming SMS from --from to --to (a rep's number). "
        "With --status: a delivery status callback for the outbound message --sid.",
    )
    sms.add_argument("--from", dest="from_number", required=True, help="sender, e.g. +14155550123")
    sms.add_argument("--to", dest="to_number", required=True, help="recipient, e.g. a rep's number +14155550102")
    sms.add_argument("--body", default="", help="the message text")
    sms.add_argument("--media", action="append", default=[], help="an MMS attachment URL (repeatable)")
    sms.add_argument("--media-type", default="image/jpeg", help="content type of the attachments")
    sms.add_argument("--sid", help="the MessageSid (default: a new one; --status needs the outbound message's)")
    sms.add_argument("--status", help="queued, sent, delivered, undelivered, failed, ...")
    sms.add_argument("--error-code", type=int, help="Twilio's error code, with --status failed/undelivered")
    sms.set_defaults(run=run_sms)
    call = channels.add_parser(
        "call",
        help="an incoming call, through every webhook Twilio would send for the outcome",
        description="An incoming call from --from to --to (a rep's number), followed through the TwiML the "
        "stack answers: the browser or forwarding dial, voicemail, the call's status callbacks.",
    )
    call.add_argument("--from", dest="from_number", required=True, help="caller, e.g. +14155550123")
    call.add_argument("--to", dest="to_number", required=True, help="a rep's number, e.g. +14155550101")
    call.add_argument(
        "--outcome",
        choices=["answered", "no-answer", "busy", "voicemail"],
        default="no-answer",
        help="what becomes of each dial the stack's TwiML makes: answered (the first one is), no-answer (none "
        "is) or busy (each is busy); unanswered, the caller then reaches voicemail where the rep has it on, "
        "and leaves a message that the stack copies from Twilio (voicemail: the same as no-answer)",
    )
    call.set_defaults(run=run_call)


def run_sms(args: argparse.Namespace) -> int:
    state = attach_to_running_stack()
    base_url, token = state["base_url"], os.environ["TWILIO_AUTH_TOKEN"]
    if args.status:
        if not args.sid:
            raise SystemExit("--status needs --sid (the outbound message's MessageSid, shown in the dashboard)")
        response = sms_status(
            base_url,
            token,
            message_sid=args.sid,
            status=args.status,
            from_number=args.from_number,
            to_number=args.to_number,
            error_code=args.error_code,
        )
    else:
        response = incoming_sms(
            base_url,
            token,
            from_number=args.from_number,
            to_number=args.to_number,
            body=args.body,
            media=[(url, args.media_type) for url in args.media],
            sid=args.sid,
        )
    print(f"{response.status_code} {response.text.strip()}")
    return 0 if response.ok else 1


def run_call(args: argparse.Namespace) -> int:
    state = attach_to_running_stack()
    call = simulate_call(
        state["base_url"],
        os.environ["TWILIO_AUTH_TOKEN"],
        from_number=args.from_number,
        to_number=args.to_number,
        outcome=args.outcome,
    )
    print(f"call {call.call_sid}")
    for url, status, twiml in call.steps:
        print(f"{status} {url.removeprefix(state['base_url'])} {twiml.strip()}")
    return 0
