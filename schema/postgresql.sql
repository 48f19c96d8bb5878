-- Cacheme remote storage table for PostgreSQL. Cacheme runs this itself when the storage's CreateTable option is on
-- (the default), with cacheme_data replaced by the validated `table` option.
CREATE TABLE IF NOT EXISTS cacheme_data (
    id         BIGSERIAL    PRIMARY KEY,
    "key"      VARCHAR(512) NOT NULL UNIQUE,
    value      BYTEA        NOT NULL,
    expire     TIMESTAMPTZ  NULL,
    updated_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS cacheme_data_expire_idx ON cacheme_data (expire);
