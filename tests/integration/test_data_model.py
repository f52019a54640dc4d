"""Each PynamoDB model has exactly the keys and indexes its table has in template.yaml."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.models import Model

from commcenter.data.activities import ActivityItem
from commcenter.data.conversations import ConversationItem
from commcenter.data.counters import CounterItem, IndexProgressItem
from commcenter.data.handles import HandleItem
from commcenter.data.mailboxes import MailboxItem
from commcenter.data.message_refs import MessageRefItem
from commcenter.data.opt_outs import OptOutItem
from commcenter.data.quick_replies import QuickReplyItem
from commcenter.data.records import RecordItem
from commcenter.data.reminders import ReminderItem
from commcenter.data.reps import PresenceItem, RepClaimItem, RepItem
from commcenter.data.search_terms import SearchIndexState, SearchTermItem
from commcenter.settings import _TABLE_VARIABLES
from commcenter_local.stack import ROOT
from commcenter_local.template import read_yaml

MODELS: dict[str, list[type[Model]]] = {
    "RepsTable": [RepItem, RepClaimItem, PresenceItem],
    "RecordsTable": [RecordItem],
    "SearchTermsTable": [SearchTermItem, SearchIndexState],
    "HandlesTable": [HandleItem],
    "ActivitiesTable": [ActivityItem],
    "ConversationsTable": [ConversationItem],
    "CountersTable": [CounterItem, IndexProgressItem],
    "MessageRefsTable": [MessageRefItem],
    "OptOutsTable": [OptOutItem],
    "MailboxesTable": [MailboxItem],
    "RemindersTable": [ReminderItem],
    "QuickRepliesTable": [QuickReplyItem],
}


def declared_tables() -> dict[str, dict[str, Any]]:
    document = read_yaml(ROOT / "template.yaml")
    return {
        name: resource["Properties"]
        for name, resource in document["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(name, HASH|RANGE) pairs, hash first: the order DynamoDB defines, whatever order a writer used."""
    return sorted(((entry["AttributeName"], entry["KeyType"]) for entry in schema), key=lambda pair: pair[1])


def test_every_table_has_a_model_and_an_environment_variable() -> None:
    tables = declared_tables()
    assert set(tables) == set(MODELS)
    variables = read_yaml(ROOT / "template.yaml")["Globals"]["Function"]["Environment"]["Variables"]
    for short_name, variable in _TABLE_VARIABLES.items():
        assert variables[variable] == {"Ref": f"{short_name.title().replace('_', '')}Table"}


@pytest.mark.parametrize("table", sorted(MODELS))
def test_models_match_the_template(table: str) -> None:
    props = declared_tables()[table]
    for model in MODELS[table]:
        schema: Any = model._get_schema()
        assert keys(schema["key_schema"]) == keys(props["KeySchema"]), model.__name__
        declared_types = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
        for definition in schema["attribute_definitions"]:
            assert declared_types[definition["AttributeName"]] == definition["AttributeType"]
        for kind, declared_kind in (
            ("global_secondary_indexes", "GlobalSecondaryIndexes"),
            ("local_secondary_indexes", "LocalSecondaryIndexes"),
        ):
            made = {i["index_name"]: keys(i["key_schema"]) for i in schema[kind]}
            if not made:
                continue  # a model may leave out an index it never queries (claims items of Reps)
            wanted = {i["IndexName"]: keys(i["KeySchema"]) for i in props.get(declared_kind, [])}
            assert made == wanted, (model.__name__, kind)
