CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_id` integer,
	`actor_name` text NOT NULL,
	`message` text NOT NULL,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `events_kind_id` ON `events` (`kind`,`id`);--> statement-breakpoint
CREATE INDEX `events_actor_id` ON `events` (`actor_name`,`id`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`name` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`secret` text,
	`updated_at` integer
);
--> statement-breakpoint
CREATE TABLE `olts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`model` text NOT NULL,
	`host` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `olts_name_unique` ON `olts` (`name`);--> statement-breakpoint
CREATE TABLE `onus` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`olt_id` integer NOT NULL,
	`shelf` integer NOT NULL,
	`slot` integer NOT NULL,
	`port` integer NOT NULL,
	`number` integer NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`mac` text,
	`sn` text,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`olt_id`) REFERENCES `olts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `onus_mac_unique` ON `onus` (`mac`);--> statement-breakpoint
CREATE UNIQUE INDEX `onus_sn_unique` ON `onus` (`sn`);--> statement-breakpoint
CREATE UNIQUE INDEX `onus_position` ON `onus` (`olt_id`,`shelf`,`slot`,`port`,`number`);--> statement-breakpoint
CREATE INDEX `onus_name` ON `onus` (`name`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`active` integer DEFAULT true NOT NULL,
	`google_sub` text,
	`session_epoch` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_sign_in_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_google_sub_unique` ON `users` (`google_sub`);