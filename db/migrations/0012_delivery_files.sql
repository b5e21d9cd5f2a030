CREATE TABLE "delivery_files" (
	"delivery_key" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"error" text,
	"file_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delivery_files_delivery_key_name_pk" PRIMARY KEY("delivery_key","name")
);
--> statement-breakpoint
ALTER TABLE "delivery_files" ADD CONSTRAINT "delivery_files_delivery_key_deliveries_key_fk" FOREIGN KEY ("delivery_key") REFERENCES "public"."deliveries"("key") ON DELETE cascade ON UPDATE no action;