// Cacheme collection set-up for MongoDB, for when a .NET MongoDB driver can be used (none restores in this build
// environment, so Cacheme ships no mongodb:// backend yet). Run with: mongosh "mongodb://host:27017/cacheme" schema/mongo.js
// Documents: { key: <string>, value: <BinData>, expire: <Date or null>, updated_at: <Date> }.
db.createCollection("cacheme_data");
db.cacheme_data.createIndex({ key: 1 }, { unique: true, name: "cacheme_data_key_uq" });
// MongoDB's TTL monitor deletes a document once its `expire` date has passed (documents without expire never expire).
db.cacheme_data.createIndex({ expire: 1 }, { expireAfterSeconds: 0, name: "cacheme_data_expire_ttl" });
