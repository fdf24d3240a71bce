package io.clvm.testing.uml;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that runs inside the User-Mode Linux guest (started by {@link UmlGuest} from a
 * {@code @RequiresKernel} host test). Name such classes {@code *InGuest} so that surefire does not
 * pick them up on the host; run by mistake outside a guest they are disabled with the reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(InGuest.Condition.class)
public @interface InGuest {
  /** Enabled only where scripts/uml-run.sh's guest init set {@code CLVM_IN_UML=1}. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return "1".equals(System.getenv("CLVM_IN_UML"))
          ? ConditionEvaluationResult.enabled("inside the UML guest")
          : ConditionEvaluationResult.disabled(
              "runs only inside the UML guest: run the module's @RequiresKernel test instead");
    }
  }
}
