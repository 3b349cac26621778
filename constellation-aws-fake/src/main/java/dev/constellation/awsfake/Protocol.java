package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How each wire protocol renders success and modelled errors (AWS-DEPLOY.md §4.3). */
abstract class Protocol {

  static final String JSON_11 = "application/x-amz-json-1.1";

  abstract Resp error(AwsError e, String requestId);

  /** awsQuery (IAM, STS): {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>}. */
  static Protocol query(String xmlns) {
    return new Protocol() {
      @Override
      Resp error(AwsError e, String requestId) {
        String type = e.status >= 500 ? "Receiver" : "Sender";
        String xml = new Xml().open("ErrorResponse", xmlns).open("Error").el("Type", type)
            .el("Code", e.code).el("Message", e.getMessage()).close("Error")
            .el("RequestId", requestId).close("ErrorResponse").toString();
        return new Resp(e.status, "text/xml", xml);
      }
    };
  }

  /** ec2Query: {@code <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>}. */
  static final Protocol EC2 = new Protocol() {
    @Override
    Resp error(AwsError e, String requestId) {
      String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + new Xml().open("Response")
          .open("Errors").open("Error").el("Code", e.code).el("Message", e.getMessage())
          .close("Error").close("Errors").el("RequestID", requestId).close("Response");
      return new Resp(e.status, "text/xml;charset=UTF-8", xml);
    }
  };

  /** awsJson1_1: HTTP 4xx + {@code {"__type":"Code","message":"..."}}. */
  static final Protocol JSON_1_1 = new Protocol() {
    @Override
    Resp error(AwsError e, String requestId) {
      ObjectNode o = Js.obj().put("__type", e.code).put("message", e.getMessage());
      return new Resp(e.status, JSON_11, Js.write(o));
    }
  };

  /** awsJson1_0 (Timestream): HTTP 4xx + {@code {"__type":"Code","Message":"..."}}. */
  static final Protocol JSON_1_0 = new Protocol() {
    @Override
    Resp error(AwsError e, String requestId) {
      ObjectNode o = Js.obj().put("__type", e.code).put("Message", e.getMessage());
      return new Resp(e.status, Timestream.JSON_10, Js.write(o));
    }
  };

  /** restJson1 (Lambda): {@code X-Amzn-ErrorType: Code} + {@code {"Type":"User","message":"..."}}. */
  static final Protocol REST_JSON = new Protocol() {
    @Override
    Resp error(AwsError e, String requestId) {
      ObjectNode o = Js.obj().put("Type", e.status >= 500 ? "Service" : "User")
          .put("message", e.getMessage());
      return new Resp(e.status, "application/json", Js.write(o))
          .header("X-Amzn-ErrorType", e.code);
    }
  };

  static Resp json11(JsonNode body) {
    return new Resp(200, JSON_11, Js.write(body));
  }

  static Resp restJson(int status, JsonNode body) {
    return new Resp(status, "application/json", Js.write(body));
  }

  /** awsQuery success: {@code <OpResponse><OpResult>result</OpResult><ResponseMetadata/>}. */
  static Resp querySuccess(String xmlns, String op, String resultXml, String requestId) {
    Xml x = new Xml().open(op + "Response", xmlns);
    if (resultXml != null) {
      x.open(op + "Result").raw(resultXml).close(op + "Result");
    }
    x.open("ResponseMetadata").el("RequestId", requestId).close("ResponseMetadata")
        .close(op + "Response");
    return new Resp(200, "text/xml", x.toString());
  }

  /** ec2Query success: {@code <OpResponse><requestId/>body</OpResponse>}, no Result wrapper. */
  static Resp ec2Success(String op, String bodyXml, String requestId) {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + new Xml().open(op + "Response", "http://ec2.amazonaws.com/doc/2016-11-15/")
            .el("requestId", requestId).raw(bodyXml).close(op + "Response");
    return new Resp(200, "text/xml;charset=UTF-8", xml);
  }
}
