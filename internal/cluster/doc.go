// Package cluster tests the application as it is deployed for a national cohort: more than
// one instance on one PostgreSQL database and one object store, behind a load balancer
// (HAProxy). It holds tests only; see cluster_test.go and docs/OPERATIONS.md.
package cluster
