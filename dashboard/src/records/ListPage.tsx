/** Leads, Contacts, Deals: a paged table, newest first or by name, with a "New …" form. */

import { useState } from "preact/hooks";
import { createRecord, listRecords, type RecordOrder } from "../api/endpoints";
import type { CrmRecord, RecordFields, RecordKind } from "../api/types";
import { Avatar } from "../components/Avatar";
import { Badge } from "../components/Badge";
import { Dialog } from "../components/Dialog";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { RelativeTime, formatDate } from "../components/Time";
import { formatMoney, formatPhone } from "../format";
import { usePaged, useTitle } from "../hooks";
import { Link, navigate, useLocation } from "../router";
import { repName, useTeam } from "../team";
import { SectionSwitch } from "../center/SectionSwitch";
import { KIND_INFO, recordPath } from "./kinds";
import { takeErasureNotice } from "./PersonData";
import { RecordForm } from "./RecordForm";

export function ListPage({ kind }: { kind: RecordKind }) {
  const info = KIND_INFO[kind];
  const { query } = useLocation();
  const order: RecordOrder = query.get("order") === "name" ? "name" : "newest";
  const [creating, setCreating] = useState(false);
  const [erased] = useState(takeErasureNotice);
  useTitle(info.plural);
  const list = usePaged((cursor, signal) => listRecords(kind, order, cursor, signal), [kind, order]);

  const create = async (body: RecordFields) => {
    const record = await createRecord({ ...body, kind });
    setCreating(false);
    navigate(recordPath(record.id));
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>{info.plural}</h1>
        </div>
        <div class="page-actions">
          <SectionSwitch
            label="Sort"
            options={[
              { id: "newest", label: "Newest" },
              { id: "name", label: "Name A–Z" },
            ]}
            value={order}
            onChange={(next) =>
              navigate(next === "name" ? `${info.path}?order=name` : info.path, { replace: true })
            }
          />
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={16} /> New {info.singular}
          </button>
        </div>
      </header>

      {erased && (
        <div class="notice" role="status">
          <Icon name="check" size={18} />
          <span>{erased}</span>
        </div>
      )}

      <section class="card table-card" aria-label={`${info.plural} list`} aria-busy={list.loading}>
        {list.loading ? (
          <SkeletonRows />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState message={list.error} onRetry={list.reload} />
        ) : list.items.length === 0 ? (
          <EmptyState
            icon={info.icon}
            title={`No ${info.plural.toLowerCase()} yet`}
            action={
              <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
                <Icon name="plus" size={16} /> New {info.singular}
              </button>
            }
          >
            {kind === "lead"
              ? "Leads come from calls, SMS, email and chat with new people, or you can add one yourself."
              : kind === "contact"
                ? "Contacts are the people and companies you already work with."
                : "Deals track what you are selling, to whom, and when it should close."}
          </EmptyState>
        ) : kind === "deal" ? (
          <DealTable items={list.items} />
        ) : (
          <PeopleTable items={list.items} />
        )}
        <LoadMore list={list} />
      </section>

      <Dialog open={creating} title={`New ${info.singular}`} onClose={() => setCreating(false)}>
        <RecordForm
          kind={kind}
          submitLabel={`Create ${info.singular}`}
          onSubmit={create}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
    </div>
  );
}

function PeopleTable({ items }: { items: CrmRecord[] }) {
  const team = useTeam();
  return (
    <table class="table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Phone</th>
          <th scope="col">Status</th>
          <th scope="col" class="col-owner">
            Owner
          </th>
          <th scope="col" class="col-date">
            Created
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((record) => (
          <tr key={record.id}>
            <td>
              <div class="name-cell">
                {record.is_company ? (
                  <span class={`kind-icon kind-${record.kind}`} aria-hidden="true">
                    <Icon name="company" size={16} />
                  </span>
                ) : (
                  <Avatar name={record.display_name} size="sm" />
                )}
                <div>
                  <Link href={recordPath(record.id)} class="row-link">
                    {record.display_name}
                  </Link>
                  {record.company_name && !record.is_company && (
                    <div class="cell-sub">
                      {[record.title, record.company_name].filter(Boolean).join(" · ")}
                    </div>
                  )}
                </div>
              </div>
            </td>
            <td class="cell-ellipsis">{record.emails[0]?.address ?? <span class="muted">—</span>}</td>
            <td class="nowrap">
              {record.phones[0] ? formatPhone(record.phones[0].number) : <span class="muted">—</span>}
            </td>
            <td>
              <Badge value={record.status} />
            </td>
            <td class="col-owner">{repName(team, record.owner_id)}</td>
            <td class="col-date nowrap" data-label="Created">
              <RelativeTime iso={record.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DealTable({ items }: { items: CrmRecord[] }) {
  const team = useTeam();
  return (
    <table class="table">
      <thead>
        <tr>
          <th scope="col">Deal</th>
          <th scope="col" class="num">
            Amount
          </th>
          <th scope="col">Stage</th>
          <th scope="col">Expected close</th>
          <th scope="col" class="col-owner">
            Owner
          </th>
          <th scope="col" class="col-date">
            Created
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((record) => (
          <tr key={record.id}>
            <td>
              <div class="name-cell">
                <span class="kind-icon kind-deal">
                  <Icon name="deal" size={16} />
                </span>
                <Link href={recordPath(record.id)} class="row-link">
                  {record.display_name}
                </Link>
              </div>
            </td>
            <td class="num nowrap">{formatMoney(record.amount, record.currency)}</td>
            <td>
              <Badge value={record.stage} />
            </td>
            <td class="nowrap" data-label="Closes">
              {record.expected_close ? formatDate(record.expected_close) : <span class="muted">—</span>}
            </td>
            <td class="col-owner">{repName(team, record.owner_id)}</td>
            <td class="col-date nowrap" data-label="Created">
              <RelativeTime iso={record.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
