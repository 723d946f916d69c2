-- e2e_transactions: transaction blocks and session state on one connection. `\! $E2E_PEEK` runs a
-- script that reads e2e_tx from ANOTHER connection (directly on PostgreSQL), to show what other
-- sessions see at that moment.
\set ON_ERROR_STOP 0

-- A temporary table lives in the session: created by one statement, used by the next ones.
create temp table e2e_tx_tmp(a int);
insert into e2e_tx_tmp values (1), (2);
select sum(a) as temp_sum from e2e_tx_tmp;

-- BEGIN ... ROLLBACK undoes an insert.
begin;
insert into e2e_tx values (1);
select count(*) as inside_tx from e2e_tx;
\! $E2E_PEEK uncommitted_insert
rollback;
select count(*) as after_rollback from e2e_tx;

-- BEGIN ... COMMIT keeps it, and only then do other sessions see it.
begin;
insert into e2e_tx values (2);
\! $E2E_PEEK before_commit
commit;
\! $E2E_PEEK after_commit
select count(*) as after_commit, sum(a) from e2e_tx;

-- An error inside a transaction aborts it: everything but ROLLBACK gets 25P02.
begin;
insert into e2e_tx values (3);
select 1/0;
\echo after_error sqlstate=:SQLSTATE
select 1;
\echo select_in_aborted sqlstate=:SQLSTATE
insert into e2e_tx values (4);
\echo insert_in_aborted sqlstate=:SQLSTATE
rollback;
\echo rollback sqlstate=:SQLSTATE
select 'usable again' as after_abort, count(*) from e2e_tx;

-- COMMIT of an aborted transaction rolls it back (psql prints the tag ROLLBACK).
begin;
insert into e2e_tx values (5);
select * from e2e_no_such_table;
commit;
select count(*) as after_failed_commit, sum(a) from e2e_tx;

-- START TRANSACTION / END, and SET / SET LOCAL are session state too.
start transaction;
insert into e2e_tx values (6);
end;
set work_mem = '7MB';
show work_mem;
begin;
set local work_mem = '9MB';
show work_mem;
commit;
show work_mem;
select count(*) as final_count, sum(a) as final_sum from e2e_tx;
select sum(a) as temp_sum_at_end from e2e_tx_tmp;

-- Outside a block these do nothing, and PostgreSQL says so (a WARNING the Data API cannot carry;
-- redwire sends it). Inside one, SET LOCAL lasts until its end, silently; so does a multi-statement
-- string's implicit block.
set local work_mem = '4MB';
show work_mem;
set transaction isolation level serializable;
set constraints all deferred;
begin;
set local work_mem = '5MB';
show work_mem;
commit;
show work_mem;
set local work_mem = '6MB' \; show work_mem;
