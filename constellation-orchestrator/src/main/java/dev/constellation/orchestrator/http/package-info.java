/** The orchestrator over loopback HTTP for local runs, and its client. */
package dev.constellation.orchestrator.http;
