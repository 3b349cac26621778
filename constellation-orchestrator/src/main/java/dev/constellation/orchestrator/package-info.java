/** Start barrier and run state shared by the Lambda handler (AWS) and the loopback HTTP adapter (local runs). */
package dev.constellation.orchestrator;
