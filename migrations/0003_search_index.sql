-- Substring search indexes (SQLite FTS5, trigram tokenizer) over what /onus
-- and the External API search: ONU name, MAC and serial number, and the linked
-- UserSide customer's name and login. External content: the tables stay the
-- source of truth, triggers keep the indexes in step.
CREATE VIRTUAL TABLE `onus_search` USING fts5(name, mac, sn, content='onus', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `onus_search`(`onus_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `onus_search_insert` AFTER INSERT ON `onus` BEGIN
  INSERT INTO `onus_search`(rowid, name, mac, sn) VALUES (new.id, new.name, new.mac, new.sn);
END;
--> statement-breakpoint
CREATE TRIGGER `onus_search_delete` AFTER DELETE ON `onus` BEGIN
  INSERT INTO `onus_search`(`onus_search`, rowid, name, mac, sn) VALUES ('delete', old.id, old.name, old.mac, old.sn);
END;
--> statement-breakpoint
CREATE TRIGGER `onus_search_update` AFTER UPDATE OF name, mac, sn ON `onus` BEGIN
  INSERT INTO `onus_search`(`onus_search`, rowid, name, mac, sn) VALUES ('delete', old.id, old.name, old.mac, old.sn);
  INSERT INTO `onus_search`(rowid, name, mac, sn) VALUES (new.id, new.name, new.mac, new.sn);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `userside_customers_search` USING fts5(name, login, content='userside_customers', content_rowid='onu_id', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `userside_customers_search`(`userside_customers_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `userside_customers_search_insert` AFTER INSERT ON `userside_customers` BEGIN
  INSERT INTO `userside_customers_search`(rowid, name, login) VALUES (new.onu_id, new.name, new.login);
END;
--> statement-breakpoint
CREATE TRIGGER `userside_customers_search_delete` AFTER DELETE ON `userside_customers` BEGIN
  INSERT INTO `userside_customers_search`(`userside_customers_search`, rowid, name, login) VALUES ('delete', old.onu_id, old.name, old.login);
END;
--> statement-breakpoint
CREATE TRIGGER `userside_customers_search_update` AFTER UPDATE OF name, login ON `userside_customers` BEGIN
  INSERT INTO `userside_customers_search`(`userside_customers_search`, rowid, name, login) VALUES ('delete', old.onu_id, old.name, old.login);
  INSERT INTO `userside_customers_search`(rowid, name, login) VALUES (new.onu_id, new.name, new.login);
END;
