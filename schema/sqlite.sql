-- Cacheme remote storage table for SQLite. Cacheme runs this itself when the storage's CreateTable option is on
-- (the default), with cacheme_data replaced by the validated `table` option. expire and updated_at hold UTC times
-- as 'yyyy-MM-dd HH:mm:ss.FFFFFFF' text, which sorts in time order.
CREATE TABLE IF NOT EXISTS cacheme_data (
    id         INTEGER      PRIMARY KEY AUTOINCREMENT,
    "key"      VARCHAR(512) NOT NULL UNIQUE,
    value      BLOB         NOT NULL,
    expire     DATETIME     NULL,
    updated_at DATETIME     NOT NULL
);
CREATE INDEX IF NOT EXISTS cacheme_data_expire_idx ON cacheme_data (expire);
