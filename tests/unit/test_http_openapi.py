"""The OpenAPI document of a Chalice app: what a request may leave out, what an answer always has."""

from __future__ import annotations

from typing import Any

import msgspec
from chalice.app import Chalice

from commcenter.http.openapi import build_openapi, documented


class Tag(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    color: str = "grey"


class Item(msgspec.Struct):
    title: str
    tags: list[Tag] = []
    note: str | msgspec.UnsetType = msgspec.UNSET


class Labelled(msgspec.Struct):
    """No default of its own, but it names `Tag`, which differs both ways."""

    tag: Tag


class Sparse(msgspec.Struct, omit_defaults=True):
    title: str
    extra: str = ""


class Circle(msgspec.Struct, tag_field="shape", tag="circle", omit_defaults=True):
    radius: float = 1.0


class Square(msgspec.Struct, tag_field="shape", tag="square"):
    side: float


class Drawing(msgspec.Struct):
    shapes: list[Circle | Square]


def document() -> dict[str, Any]:
    app = Chalice("test")

    @app.route("/items", methods=["POST"])
    @documented("Create an item", request=Item, response=Item, status=201)
    def create_item() -> None: ...

    @app.route("/items/{item_id}/label", methods=["PUT"])
    @documented("Label an item", request=Labelled, response=Labelled)
    def label_item(item_id: str) -> None: ...

    @app.route("/sparse", methods=["GET"])
    @documented("A sparse answer", response=Sparse, public=True)
    def sparse() -> None: ...

    @app.route("/drawing", methods=["GET"])
    @documented("Tagged shapes", response=Drawing)
    def drawing() -> None: ...

    return build_openapi(app, "test", "1")


def json_schema(operation: dict[str, Any], part: str, status: str = "200") -> Any:
    holder = operation["requestBody"] if part == "request" else operation["responses"][status]
    return holder["content"]["application/json"]["schema"]


def test_a_request_may_leave_out_a_field_with_a_default_and_an_answer_always_has_it() -> None:
    schemas = document()["components"]["schemas"]
    assert schemas["Item-Input"]["required"] == ["title"]
    assert schemas["Item-Output"]["required"] == ["title", "tags"]  # never `note`: it may be UNSET
    assert schemas["Tag-Input"]["required"] == ["name"]
    assert schemas["Tag-Output"]["required"] == ["name", "color"]
    assert schemas["ErrorBody"]["required"] == ["code", "message"]


def test_a_struct_used_both_ways_is_split_only_where_the_two_differ() -> None:
    built = document()
    schemas = built["components"]["schemas"]
    # `Labelled` requires the same field both ways, but names a `Tag` that differs: it splits too.
    assert schemas["Labelled-Input"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag-Input"}
    assert schemas["Labelled-Output"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag-Output"}
    assert {"Item", "Tag", "Labelled"}.isdisjoint(schemas)
    create = built["paths"]["/items"]["post"]
    assert json_schema(create, "request") == {"$ref": "#/components/schemas/Item-Input"}
    assert json_schema(create, "response", "201") == {"$ref": "#/components/schemas/Item-Output"}
    # Used one way only, a struct keeps its name; one that omits its defaults requires no more.
    assert schemas["Sparse"]["required"] == ["title"]
    assert built["paths"]["/sparse"]["get"]["security"] == []


def test_a_tagged_struct_always_carries_its_tag() -> None:
    schemas = document()["components"]["schemas"]
    assert schemas["Circle"]["required"] == ["shape"]  # its radius is left out at the default
    assert schemas["Square"]["required"] == ["shape", "side"]
