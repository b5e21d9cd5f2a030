CREATE TABLE "cart_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"cart_id" integer NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"request_key" text,
	"version" integer NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cart_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"cart_id" integer NOT NULL,
	"system_task_id" integer,
	"type_key" text NOT NULL,
	"title" text NOT NULL,
	"customer_id" text,
	"effort_minutes" integer NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"planned_day" date NOT NULL,
	"earliest" date,
	"due" date,
	"fixed" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "carts" (
	"id" serial PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"week_start" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"channel_id" text,
	"message_ts" text,
	"committed_at" timestamp with time zone,
	"exception_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"owner_id" text,
	"segment" text,
	"region" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"last_contact" date,
	"renewal_date" date,
	"phone" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"slack_user_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"team_id" integer NOT NULL,
	"role" text NOT NULL,
	"day_capacity_minutes" integer,
	"timezone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"customer_id" text NOT NULL,
	"type_key" text NOT NULL,
	"score" real NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	CONSTRAINT "recommendations_customer_id_type_key_pk" PRIMARY KEY("customer_id","type_key")
);
--> statement-breakpoint
CREATE TABLE "system_tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"type_key" text NOT NULL,
	"title" text NOT NULL,
	"customer_id" text,
	"planned_day" date NOT NULL,
	"earliest" date,
	"due" date,
	"effort_minutes" integer NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"fixed" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'system' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "system_tasks_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "task_types" (
	"key" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"effort_minutes" integer NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"cart_id" integer NOT NULL,
	"agent_id" text NOT NULL,
	"system_task_id" integer,
	"type_key" text NOT NULL,
	"title" text NOT NULL,
	"customer_id" text,
	"effort_minutes" integer NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"day" date NOT NULL,
	"due" date,
	"source" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"work_days" integer[] DEFAULT '{1,2,3,4,5}' NOT NULL,
	"day_capacity_minutes" integer DEFAULT 390 NOT NULL,
	"upper_percent" integer DEFAULT 100 NOT NULL,
	"lower_percent" integer DEFAULT 60 NOT NULL,
	"proposal_weekday" integer DEFAULT 5 NOT NULL,
	"proposal_time" text DEFAULT '15:00' NOT NULL,
	"digest_time" text DEFAULT '09:00' NOT NULL,
	"weekly_digest_weekday" integer DEFAULT 1 NOT NULL,
	"digest_channel" text,
	"allow_flagged_commit" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "time_off" (
	"id" serial PRIMARY KEY NOT NULL,
	"slack_user_id" text,
	"team_id" integer,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	CONSTRAINT "time_off_subject" CHECK (("time_off"."slack_user_id" is null) <> ("time_off"."team_id" is null)),
	CONSTRAINT "time_off_range" CHECK ("time_off"."to_day" >= "time_off"."from_day")
);
--> statement-breakpoint
ALTER TABLE "cart_events" ADD CONSTRAINT "cart_events_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_system_task_id_system_tasks_id_fk" FOREIGN KEY ("system_task_id") REFERENCES "public"."system_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_type_key_task_types_key_fk" FOREIGN KEY ("type_key") REFERENCES "public"."task_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carts" ADD CONSTRAINT "carts_agent_id_people_slack_user_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."people"("slack_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_owner_id_people_slack_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("slack_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_type_key_task_types_key_fk" FOREIGN KEY ("type_key") REFERENCES "public"."task_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_tasks" ADD CONSTRAINT "system_tasks_agent_id_people_slack_user_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."people"("slack_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_tasks" ADD CONSTRAINT "system_tasks_type_key_task_types_key_fk" FOREIGN KEY ("type_key") REFERENCES "public"."task_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_tasks" ADD CONSTRAINT "system_tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_agent_id_people_slack_user_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."people"("slack_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_system_task_id_system_tasks_id_fk" FOREIGN KEY ("system_task_id") REFERENCES "public"."system_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_type_key_task_types_key_fk" FOREIGN KEY ("type_key") REFERENCES "public"."task_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_slack_user_id_people_slack_user_id_fk" FOREIGN KEY ("slack_user_id") REFERENCES "public"."people"("slack_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cart_events_cart_idx" ON "cart_events" USING btree ("cart_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "cart_events_request_uq" ON "cart_events" USING btree ("cart_id","request_key");--> statement-breakpoint
CREATE INDEX "cart_items_cart_idx" ON "cart_items" USING btree ("cart_id","planned_day");--> statement-breakpoint
CREATE UNIQUE INDEX "cart_items_system_task_uq" ON "cart_items" USING btree ("cart_id","system_task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "carts_agent_week_uq" ON "carts" USING btree ("agent_id","week_start");--> statement-breakpoint
CREATE INDEX "carts_week_idx" ON "carts" USING btree ("week_start");--> statement-breakpoint
CREATE INDEX "customers_owner_idx" ON "customers" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "customers_segment_region_idx" ON "customers" USING btree ("segment","region");--> statement-breakpoint
CREATE INDEX "people_team_idx" ON "people" USING btree ("team_id","role");--> statement-breakpoint
CREATE INDEX "system_tasks_agent_day_idx" ON "system_tasks" USING btree ("agent_id","planned_day");--> statement-breakpoint
CREATE INDEX "tasks_agent_day_idx" ON "tasks" USING btree ("agent_id","day");--> statement-breakpoint
CREATE INDEX "tasks_cart_idx" ON "tasks" USING btree ("cart_id");--> statement-breakpoint
CREATE UNIQUE INDEX "time_off_person_uq" ON "time_off" USING btree ("slack_user_id","from_day") WHERE "time_off"."slack_user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "time_off_team_uq" ON "time_off" USING btree ("team_id","from_day") WHERE "time_off"."team_id" is not null;