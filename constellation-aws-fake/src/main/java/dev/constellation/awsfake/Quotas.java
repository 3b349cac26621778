package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Service Quotas (awsJson1_1, ServiceQuotasV20190624, PascalCase members): GetServiceQuota. */
final class Quotas {

  private record Known(String serviceName, String quotaName, double value) {}

  /** Default values, as a new account has them (AWS-DEPLOY.md §2.10). */
  private static final Map<String, Known> DEFAULTS = Map.of(
      "fargate/L-3032A538", new Known("AWS Fargate", "Fargate On-Demand vCPU resource count", 6.0),
      "fargate/L-36FBB829", new Known("AWS Fargate", "Fargate Spot vCPU resource count", 6.0),
      "lambda/L-B99A9384", new Known("AWS Lambda", "Concurrent executions", 1000.0));

  private final FakeAws fake;

  Quotas(FakeAws fake) {
    this.fake = fake;
  }

  Resp handle(String op, Req req) {
    if (!op.equals("GetServiceQuota") && !op.equals("GetAWSDefaultServiceQuota")) {
      throw AwsError.badRequest("UnknownOperationException",
          "The fake does not model Service Quotas operation " + op);
    }
    JsonNode in = Js.parse(req.body);
    String service = Js.str(in, "ServiceCode", "IllegalArgumentException");
    String code = Js.str(in, "QuotaCode", "IllegalArgumentException");
    Known known = DEFAULTS.get(service + "/" + code);
    Double value = op.equals("GetServiceQuota") ? fake.faults.quota(req.region, service, code) : null;
    if (known == null && value == null) {
      throw AwsError.badRequest("NoSuchResourceException", "The request failed because the specified"
          + " service quota " + service + "/" + code + " does not exist.");
    }
    double v = value != null ? value : known.value();
    ObjectNode out = Js.obj();
    out.putObject("Quota").put("ServiceCode", service)
        .put("ServiceName", known == null ? service : known.serviceName())
        .put("QuotaArn", "arn:aws:servicequotas:" + req.region + ":" + fake.accountId() + ":"
            + service + "/" + code)
        .put("QuotaCode", code).put("QuotaName", known == null ? code : known.quotaName())
        .put("Value", v).put("Unit", "None").put("Adjustable", true).put("GlobalQuota", false);
    return Protocol.json11(out);
  }
}
