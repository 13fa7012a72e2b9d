/* A SQL workload on SQLite (the amalgamation libsqlite3-sys bundles), for
 * tandem's benchmarks: builds a table of N orders (argv[1], default 20000)
 * in an in-memory database, indexes it, and runs aggregates, a join, a
 * window function, updates and deletes; prints each result, so that runs
 * in different engines can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include "sqlite3.h"

static sqlite3 *db;

static int print_row(void *unused, int n, char **values, char **names) {
    (void)unused;
    (void)names;
    for (int i = 0; i < n; i++)
        printf("%s%s", values[i] ? values[i] : "NULL", i + 1 < n ? "|" : "\n");
    return 0;
}

static void run(const char *sql) {
    char *error = 0;
    if (sqlite3_exec(db, sql, print_row, 0, &error) != SQLITE_OK) {
        fprintf(stderr, "error: %s\n  in: %s\n", error, sql);
        exit(1);
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "cannot open a database\n");
        return 1;
    }
    /* Sorts for indexes spill to temporary files past a size; a sandboxed
     * program has none. */
    run("pragma temp_store = memory");
    run("create table customer(id integer primary key, name text, region text);"
        "create table orders(id integer primary key, customer int, item text,"
        "                    qty int, price real, day int);");
    run("begin");
    sqlite3_stmt *insert;
    sqlite3_prepare_v2(db, "insert into orders(customer, item, qty, price, day) values (?, ?, ?, ?, ?)",
                       -1, &insert, 0);
    unsigned seed = 12345;
    char item[32];
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        snprintf(item, sizeof item, "item-%u", (seed >> 8) % 500);
        sqlite3_bind_int(insert, 1, (seed >> 4) % 1000);
        sqlite3_bind_text(insert, 2, item, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(insert, 3, 1 + (seed >> 16) % 9);
        sqlite3_bind_double(insert, 4, ((seed >> 12) % 10000) / 100.0);
        sqlite3_bind_int(insert, 5, (seed >> 20) % 365);
        sqlite3_step(insert);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    run("with recursive c(i) as (select 0 union all select i + 1 from c where i < 999)"
        " insert into customer select i, 'customer ' || i,"
        " case i % 4 when 0 then 'north' when 1 then 'south' when 2 then 'east' else 'west' end from c");
    run("commit");
    run("create index orders_customer on orders(customer);"
        "create index orders_item on orders(item, day)");
    run("select count(*), sum(qty), round(sum(qty * price), 2) from orders");
    run("select region, count(*), round(avg(qty * price), 2) from orders"
        " join customer on customer.id = orders.customer group by region order by region");
    run("select item, sum(qty) as total from orders group by item order by total desc, item limit 5");
    run("select name, round(spent, 2) from (select customer, sum(qty * price) as spent"
        " from orders group by customer) join customer on customer.id = customer"
        " order by spent desc limit 3");
    run("select day, round(sum(qty * price) over (order by day rows 6 preceding), 2)"
        " from (select day, sum(qty) as qty, avg(price) as price from orders group by day)"
        " where day % 73 = 0");
    run("update orders set price = price * 1.1 where item like 'item-1%'");
    run("delete from orders where qty = 1");
    run("select count(*), round(sum(qty * price), 2) from orders");
    run("select count(distinct item), min(day), max(day) from orders where customer between 100 and 200");
    sqlite3_close(db);
    return 0;
}
