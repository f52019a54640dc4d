"""What an incoming SMS costs on AWS, from list prices and what the benchmark measured.

Prices: AWS's public on-demand list prices for us-east-1 (x86 Lambda, REST API, DynamoDB
on-demand after the November 2024 price change), as of 2026-12-02. Twilio's list price for
receiving a US SMS, for scale: $0.0083 per message.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_DATE = "2026-12-02"
REGION = "us-east-1"
API_GATEWAY_REST_USD_PER_REQUEST = 3.50 / 1_000_000
LAMBDA_USD_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_USD_PER_GB_SECOND = 0.0000166667
DYNAMODB_USD_PER_WRITE_UNIT = 0.625 / 1_000_000
DYNAMODB_USD_PER_READ_UNIT = 0.125 / 1_000_000
TWILIO_USD_PER_INBOUND_US_SMS = 0.0083


@dataclass(frozen=True)
class InboundCost:
    """The cost of 1,000 incoming SMS, split by service."""

    api_gateway: float
    lambda_requests: float
    lambda_compute: float
    dynamodb_writes: float
    dynamodb_reads: float

    @property
    def total(self) -> float:
        compute = self.api_gateway + self.lambda_requests + self.lambda_compute
        return compute + self.dynamodb_writes + self.dynamodb_reads


def per_1000_inbound_sms(handler_seconds: float, memory_mb: int, write_units: float, read_units: float) -> InboundCost:
    """Lambda bills each invocation's duration rounded up to the millisecond."""
    billed_seconds = -(-handler_seconds * 1000 // 1) / 1000
    return InboundCost(
        api_gateway=1000 * API_GATEWAY_REST_USD_PER_REQUEST,
        lambda_requests=1000 * LAMBDA_USD_PER_REQUEST,
        lambda_compute=1000 * billed_seconds * memory_mb / 1024 * LAMBDA_USD_PER_GB_SECOND,
        dynamodb_writes=1000 * write_units * DYNAMODB_USD_PER_WRITE_UNIT,
        dynamodb_reads=1000 * read_units * DYNAMODB_USD_PER_READ_UNIT,
    )


METHOD = (
    f"- `aws_usd_per_1000_inbound_sms`: what 1,000 incoming SMS cost on AWS at {REGION} list prices as of "
    f"{PRICES_DATE}: one API Gateway REST request each (${API_GATEWAY_REST_USD_PER_REQUEST * 1e6:.2f} per "
    f"million), one Lambda request (${LAMBDA_USD_PER_REQUEST * 1e6:.2f} per million) and the GB-seconds of the "
    "measured webhook p50 (rounded up to the millisecond) at the SMS function's memory size in template.yaml "
    f"(${LAMBDA_USD_PER_GB_SECOND} per GB-second, x86), the measured write units "
    f"(${DYNAMODB_USD_PER_WRITE_UNIT * 1e6:.3f} per million, on demand) and read units "
    f"(${DYNAMODB_USD_PER_READ_UNIT * 1e6:.3f} per million). Target: 0.2% of Twilio's list price for "
    f"receiving 1,000 US SMS (${TWILIO_USD_PER_INBOUND_US_SMS * 1000:.2f})."
)
