-- The outbox's primary key becomes its delivery order (tx_id, id), replacing both the key on id
-- and the separate (tx_id, id) index: every event-bearing transaction maintains one index fewer.
ALTER TABLE "event_outbox" DROP CONSTRAINT "event_outbox_pkey";
DROP INDEX "event_outbox_tx_id_id_idx";
ALTER TABLE "event_outbox" ADD CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("tx_id", "id");
