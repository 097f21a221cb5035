-- Collab's per-stream event log: the truth behind every stream. Each stream's events are numbered
-- contiguously; an event acknowledged to its author is in this table before the acknowledgement.
-- UNIQUE (stream, seq) means two activations of one grain can never both append the same
-- sequence number, so history cannot fork; event_id is global, for de-duplication.
CREATE TABLE collab_event_log
(
    stream      varchar(200) NOT NULL,
    seq         bigint       NOT NULL,
    event_id    varchar(64)  NOT NULL,
    event_type  varchar(100) NOT NULL,
    occurred_at timestamptz  NOT NULL,
    payload     jsonb        NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_collab_event_log_stream_seq UNIQUE (stream, seq),
    CONSTRAINT uq_collab_event_log_event_id UNIQUE (event_id),
    CONSTRAINT ck_collab_event_log_seq_positive CHECK (seq > 0)
);
