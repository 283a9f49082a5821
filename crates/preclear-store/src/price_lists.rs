//! Reading the providers' price lists. Staff read through a [`Visibility`] (a provider sees its
//! own); pricing an assessment reads the lists of the provider serving the assessment's
//! organisation under [`System::Pricing`].

use uuid::Uuid;

use crate::db::{Param, Row, Sql};
use crate::model::{PriceListEdition, System, Visibility};
use crate::{Store, StoreError};

pub(crate) const COLUMNS: &str =
    "id, provider_id, client_id, version, label, body, created_by, created_at";

/// The most editions of one scope listed (the newest).
pub const MAX_HISTORY: u32 = 200;

pub(crate) const INSERT: Sql = Sql::both(
    "INSERT INTO price_lists (id, provider_id, client_id, version, label, body, created_by, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
);

pub(crate) fn edition_from(row: &Row) -> Result<PriceListEdition, StoreError> {
    Ok(PriceListEdition {
        id: row.uuid("id")?,
        provider_id: row.uuid("provider_id")?,
        client_id: row.opt_uuid("client_id")?,
        version: row.text("version")?,
        label: row.text("label")?,
        body: row.opt_text("body")?,
        created_by: row.text("created_by")?,
        created_at: row.int("created_at")?,
    })
}

pub(crate) fn params(e: &PriceListEdition) -> Vec<Param<'_>> {
    vec![
        Param::Uuid(e.id),
        Param::Uuid(e.provider_id),
        Param::OptUuid(e.client_id),
        Param::Text(&e.version),
        Param::Text(&e.label),
        Param::OptText(e.body.as_deref()),
        Param::Text(&e.created_by),
        Param::Int(e.created_at),
    ]
}

/// The provider a visibility reads the price lists of: a provider's own; a client reads none.
fn provider_of(vis: Visibility) -> Option<Uuid> {
    match vis {
        Visibility::Provider(provider) => Some(provider),
        Visibility::Own(_) => None,
    }
}

impl Store {
    /// The current edition of every scope of the visible provider (its default first, then
    /// each client's in the order they were first priced), withdrawn scopes included.
    pub async fn price_list_scopes(
        &self,
        vis: Visibility,
    ) -> Result<Vec<PriceListEdition>, StoreError> {
        let Some(provider) = provider_of(vis) else { return Ok(Vec::new()) };
        self.current_editions(provider, None).await
    }

    /// The editions of one scope of the visible provider, newest first (at most
    /// [`MAX_HISTORY`]).
    pub async fn price_list_history(
        &self,
        vis: Visibility,
        client: Option<Uuid>,
    ) -> Result<Vec<PriceListEdition>, StoreError> {
        let Some(provider) = provider_of(vis) else { return Ok(Vec::new()) };
        let sql = Sql {
            sqlite: "SELECT id, provider_id, client_id, version, label, body, created_by, created_at \
                     FROM price_lists WHERE provider_id = $1 AND client_id IS $2 ORDER BY seq DESC LIMIT $3",
            postgres: "SELECT id, provider_id, client_id, version, label, body, created_by, created_at \
                     FROM price_lists WHERE provider_id = $1 AND client_id IS NOT DISTINCT FROM $2 \
                     ORDER BY seq DESC LIMIT $3",
        };
        let rows = self
            .pool
            .fetch_all(
                sql,
                &[Param::Uuid(provider), Param::OptUuid(client), Param::Int(MAX_HISTORY.into())],
            )
            .await?;
        rows.iter().map(edition_from).collect()
    }

    /// The current editions that may price an assessment of `org` served by `provider`: the
    /// provider's default and `org`'s own, if any (withdrawn ones included: the caller decides).
    pub async fn price_lists_for(
        &self,
        _why: System,
        provider: Uuid,
        org: Uuid,
    ) -> Result<Vec<PriceListEdition>, StoreError> {
        self.current_editions(provider, Some(org)).await
    }

    /// The edition of the provider with `version` (the newest if published twice), for replay.
    pub async fn price_list_version(
        &self,
        _why: System,
        provider: Uuid,
        version: &str,
    ) -> Result<Option<PriceListEdition>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT id, provider_id, client_id, version, label, body, created_by, created_at \
                     FROM price_lists WHERE provider_id = $1 AND version = $2 AND body IS NOT NULL \
                     ORDER BY seq DESC LIMIT 1",
                ),
                &[Param::Uuid(provider), Param::Text(version)],
            )
            .await?;
        rows.first().map(edition_from).transpose()
    }

    /// Every price-list edition (for the audit's stored states).
    pub(crate) async fn all_price_list_editions(
        &self,
    ) -> Result<Vec<PriceListEdition>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT id, provider_id, client_id, version, label, body, created_by, created_at \
                     FROM price_lists ORDER BY seq",
                ),
                &[],
            )
            .await?;
        rows.iter().map(edition_from).collect()
    }

    /// The latest edition of each scope of `provider` (only the default and `client`'s when a
    /// client is given).
    async fn current_editions(
        &self,
        provider: Uuid,
        client: Option<Uuid>,
    ) -> Result<Vec<PriceListEdition>, StoreError> {
        let filter =
            if client.is_some() { "AND (client_id IS NULL OR client_id = $2)" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM price_lists WHERE seq IN (SELECT MAX(seq) FROM price_lists \
             WHERE provider_id = $1 {filter} GROUP BY client_id) ORDER BY client_id IS NOT NULL, \
             (SELECT MIN(seq) FROM price_lists f WHERE f.provider_id = price_lists.provider_id \
             AND f.client_id = price_lists.client_id)"
        );
        let mut params = vec![Param::Uuid(provider)];
        if let Some(client) = client {
            params.push(Param::Uuid(client));
        }
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &params).await?;
        rows.iter().map(edition_from).collect()
    }
}
