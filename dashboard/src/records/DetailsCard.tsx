/** The record's details: who, how to reach them, where, whose. */

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getRecord } from "../api/endpoints";
import type { CrmRecord } from "../api/types";
import { Badge } from "../components/Badge";
import { Icon, type IconName } from "../components/Icon";
import { RelativeTime, formatDate } from "../components/Time";
import { formatMoney, formatPhone } from "../format";
import { CallButton } from "../phone/PhonePanel";
import { Link } from "../router";
import { repName, useTeam } from "../team";
import { recordPath } from "./kinds";
import { PersonDataActions } from "./PersonData";

function Row({ icon, label, children }: { icon: IconName; label: string; children: ComponentChildren }) {
  return (
    <div class="detail-row">
      <dt>
        <Icon name={icon} size={16} />
        <span>{label}</span>
      </dt>
      <dd>{children}</dd>
    </div>
  );
}

function addressLines(record: CrmRecord): string[] {
  const a = record.address;
  if (!a) return [];
  const cityLine = [a.postal_code, a.city].filter(Boolean).join(" ");
  return [a.line1, a.line2, [cityLine, a.region].filter(Boolean).join(", "), a.country].filter(Boolean);
}

type CardProps = {
  record: CrmRecord;
  /** "Email" beside an address: the composer, to it. */
  onEmail?: (address: string) => void;
};

export function DetailsCard({ record, onEmail }: CardProps) {
  const team = useTeam();
  return (
    <section class="card details" aria-labelledby="details-title">
      <h2 id="details-title" class="card-title">
        Details
      </h2>
      <dl class="details-list">
        {record.kind === "deal" ? (
          <DealRows record={record} />
        ) : (
          <>
            {!record.is_company && (record.first_name || record.last_name) && (
              <Row icon="contact" label="Name">
                {[record.first_name, record.last_name].filter(Boolean).join(" ")}
              </Row>
            )}
            {record.company_name && (
              <Row icon="company" label="Company">
                {record.company_name}
              </Row>
            )}
            {record.title && (
              <Row icon="deal" label="Title">
                {record.title}
              </Row>
            )}
            <Row icon="phone" label="Phones">
              {record.phones.length ? (
                <ul class="plain">
                  {record.phones.map((phone) => (
                    <li key={phone.number} class="detail-phone">
                      <a href={`tel:${phone.number}`}>{formatPhone(phone.number)}</a>
                      <span class="detail-label">{phone.label}</span>
                      <CallButton number={phone.number} record={record} class="btn btn-ghost btn-sm push-right" />
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="muted">No phone</span>
              )}
            </Row>
            <Row icon="mail" label="Emails">
              {record.emails.length ? (
                <ul class="plain">
                  {record.emails.map((email) => (
                    <li key={email.address} class="detail-email">
                      <a href={`mailto:${email.address}`}>{email.address}</a>
                      <span class="detail-label">{email.label}</span>
                      {onEmail && (
                        <button
                          type="button"
                          class="btn btn-ghost btn-sm push-right"
                          aria-label={`Email ${email.address}`}
                          onClick={() => onEmail(email.address)}
                        >
                          <Icon name="mail" size={14} /> Email
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="muted">No email</span>
              )}
            </Row>
            <Row icon="pin" label="Address">
              {addressLines(record).length ? (
                <address>
                  {addressLines(record).map((line) => (
                    <div key={line}>{line}</div>
                  ))}
                </address>
              ) : (
                <span class="muted">No address</span>
              )}
            </Row>
            <Row icon="task" label="Status">
              <Badge value={record.status} />
            </Row>
          </>
        )}
        <Row icon="contact" label="Owner">
          {repName(team, record.owner_id)}
        </Row>
        <Row icon="clock" label="Created">
          <RelativeTime iso={record.created_at} />
          {record.source && record.source !== "manual" && (
            <span class="detail-label">from {record.source}</span>
          )}
        </Row>
      </dl>
      <PersonDataActions record={record} />
    </section>
  );
}

function DealRows({ record }: { record: CrmRecord }) {
  return (
    <>
      <Row icon="deal" label="Amount">
        <span class="amount">{formatMoney(record.amount, record.currency)}</span>
        {record.amount && <span class="detail-label">{record.currency}</span>}
      </Row>
      <Row icon="task" label="Stage">
        <Badge value={record.stage} />
      </Row>
      <Row icon="calendar" label="Expected close">
        {record.expected_close ? formatDate(record.expected_close) : <span class="muted">Not set</span>}
      </Row>
      <Row icon="contact" label="Contacts">
        <LinkedContacts ids={record.contact_ids} />
      </Row>
    </>
  );
}

function LinkedContacts({ ids }: { ids: string[] }) {
  const [contacts, setContacts] = useState<{ id: string; name: string }[] | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all(
      ids.map((id) =>
        getRecord(id).then(
          (record) => ({ id, name: record.display_name }),
          () => ({ id, name: "" }),
        ),
      ),
    ).then((found) => live && setContacts(found));
    return () => {
      live = false;
    };
  }, [ids.join(",")]);
  if (!ids.length) return <span class="muted">No contact linked</span>;
  if (!contacts) return <span class="muted">Loading…</span>;
  return (
    <ul class="plain">
      {contacts.map((contact) => (
        <li key={contact.id}>
          {contact.name ? (
            <Link href={recordPath(contact.id)}>{contact.name}</Link>
          ) : (
            <span class="muted">Deleted contact</span>
          )}
        </li>
      ))}
    </ul>
  );
}
