//! E-mail for notifications, when an SMTP server is configured (`TASHBEEK_SMTP_URL`). Each
//! notification is claimed by one instance for a while before it is sent (see
//! `tashbeek_persistence::notification::claim_unsent`), so live instances never send it
//! twice, and marked e-mailed once the server took it; a send that failed for a passing
//! reason is given back and tried again on the next round, one refused for good (or not even
//! a valid message) is dropped and logged. An instance that dies mid-batch leaves claims
//! that expire: those e-mails go out later, at worst twice, never not at all.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{Message, SmtpTransport, Transport};
use tashbeek_domain::notification::NotificationKind;
use tashbeek_persistence::notification::Outgoing;

/// An SMTP connection's settings and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// The dashboard's public address, for links back (no trailing `/`).
    link_base: Option<String>,
}

/// Why a mailer could not be made or a message not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("TASHBEEK_SMTP_URL: {0}")]
    Url(String),
    #[error("TASHBEEK_MAIL_FROM: {0}")]
    From(String),
    #[error("message: {0}")]
    Message(String),
    /// `permanent`: the server refused the message for good (a bad address): retrying
    /// would only hold up the others.
    #[error("smtp: {message}")]
    Send { message: String, permanent: bool },
}

impl Mailer {
    /// `url`: `smtp://user:pass@host:587` (STARTTLS when offered; `?tls=required` to insist),
    /// `smtps://…:465` (TLS from the start). `from`: `Tashbeek <noreply@example.org>`.
    pub fn new(url: &str, from: &str, link_base: Option<String>) -> Result<Mailer, MailError> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        Ok(Mailer { transport, from, link_base })
    }

    /// Sends one notification to its recipient, in Arabic then English.
    pub fn send(&self, o: &Outgoing) -> Result<(), MailError> {
        let n = &o.notification;
        let (ar, en) = match n.kind {
            NotificationKind::Assigned => {
                ("أُسند إلى منظمتك جزء من توصية", "A part of a recommendation is addressed to you")
            }
            NotificationKind::DueSoon => ("يقترب موعد توصية", "A recommendation is due soon"),
            NotificationKind::Overdue => ("تأخرت توصية عن موعدها", "A recommendation is overdue"),
        };
        let text = [n.text_ar.as_deref(), n.text_en.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
        let due = n.due_on.map(|d| format!("\nالموعد / Due: {d}\n")).unwrap_or_default();
        let link = self
            .link_base
            .as_ref()
            .map(|b| format!("\n{b}/recommendations/{}\n", n.recommendation_id))
            .unwrap_or_default();
        let body = format!("{ar} — {en}\n\n[{}]\n{text}\n{due}{link}", n.code);
        let to = Mailbox::new(
            Some(o.display_name.clone()),
            o.email.parse().map_err(|e: lettre::address::AddressError| MailError::Message(e.to_string()))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("[تشبيك] {ar} / {en}: {}", n.code))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport
            .send(&message)
            .map(drop)
            .map_err(|e| MailError::Send { permanent: e.is_permanent(), message: e.to_string() })
    }
}
