-- Cacheme remote storage table for MySQL 8 and MariaDB 10.5+. Cacheme runs this itself when the storage's CreateTable
-- option is on (the default), with cacheme_data replaced by the validated `table` option. Keys compare in binary order
-- (utf8mb4_bin; as a PAD SPACE collation it ignores trailing spaces, which a full key, ending in its version, never
-- has); expire and updated_at hold UTC times.
CREATE TABLE IF NOT EXISTS cacheme_data (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `key`      VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    value      LONGBLOB     NOT NULL,
    expire     DATETIME(6)  NULL,
    updated_at DATETIME(6)  NOT NULL,
    UNIQUE KEY cacheme_data_key_uq (`key`),
    INDEX cacheme_data_expire_idx (expire)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
