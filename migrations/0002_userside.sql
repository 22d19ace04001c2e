CREATE TABLE `userside_customers` (
	`onu_id` integer PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`name` text NOT NULL,
	`login` text NOT NULL,
	`snapshot` text NOT NULL,
	`run_id` integer NOT NULL,
	FOREIGN KEY (`onu_id`) REFERENCES `onus`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`run_id`) REFERENCES `userside_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `userside_customers_customer` ON `userside_customers` (`customer_id`);--> statement-breakpoint
CREATE TABLE `userside_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`trigger` text NOT NULL,
	`actor_name` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`customers_total` integer,
	`customers_fetched` integer DEFAULT 0 NOT NULL,
	`customers_unmatched` integer DEFAULT 0 NOT NULL,
	`onus_linked` integer DEFAULT 0 NOT NULL,
	`onus_changed` integer DEFAULT 0 NOT NULL,
	`onus_unlinked` integer DEFAULT 0 NOT NULL,
	`conflicts` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `userside_runs_status` ON `userside_runs` (`status`);--> statement-breakpoint
CREATE TABLE `userside_staging` (
	`onu_id` integer PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`name` text NOT NULL,
	`login` text NOT NULL,
	`snapshot` text NOT NULL,
	`claims` integer DEFAULT 1 NOT NULL
);
