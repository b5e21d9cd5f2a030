ALTER TABLE "deliveries" ADD COLUMN "channel_id" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "message_ts" text;